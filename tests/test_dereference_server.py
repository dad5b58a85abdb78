"""rdflib's ``Graph().parse(url)`` against a real server (gunicorn) over the real build: each kind
of IRI we mint, negotiated by rdflib's own Accept header and by every document URL."""

from __future__ import annotations

import urllib.request

import pytest
import rdflib
from servers import start_server

pytestmark = pytest.mark.server
BASE = "https://w3id.org/metrograph/"
KINDS = ["id/kreis/03358", "id/gemeinde/03358024", "id/region/hbgw", "id/network/ikm",
         "id/membership/region-hbgw.kreis-03358.heidekreis-kooperationen", "id/role/member",
         "source/heidekreis-kooperationen", "graph/heidekreis-kooperationen", "dataset",
         "ontology"]
SUFFIXES = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}


@pytest.fixture(scope="module")
def server(release, settings):
    url, stop = start_server(settings["var_dir"], {
        "project_dir": settings["project_dir"], "workers": 1, "query_workers": 1,
        "query_timeout": 5}, probe="/dataset.ttl")
    yield url
    stop()


@pytest.mark.parametrize("path", KINDS)
def test_rdflib_dereferences_each_kind(server, path):
    graph = rdflib.Graph().parse(f"{server}/{path}")
    iri = rdflib.URIRef(BASE + path)
    assert (iri, None, None) in graph or (None, None, iri) in graph
    for suffix, fmt in SUFFIXES.items():
        document = rdflib.Graph().parse(f"{server}/{path}.{suffix}", format=fmt)
        assert len(document) == len(graph), suffix


def test_headers_over_http(server):
    request = urllib.request.Request(server + "/id/kreis/03358",
                                     headers={"Accept": "application/ld+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("application/ld+json")
        assert response.headers["Content-Location"] == "/id/kreis/03358.jsonld"
        assert "Accept" in response.headers["Vary"]
        assert 'rel="alternate"; type="text/turtle"' in response.headers["Link"]
    for path, status in (("/id/kreis/99999", 404), ("/id/kreis%2F03358", 400),
                         ("/id/%C3%28", 400)):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(server + path, timeout=30)
        assert info.value.code == status, path
        info.value.close()
