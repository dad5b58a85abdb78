"""HTTP: /search, /.well-known/void and sparql-examples, sitemap, robots.txt, SHACL report,
dumps — formats parsed by independent parsers, conditional requests, CORS, 400s."""

from __future__ import annotations

import gzip
import json
import urllib.robotparser
import xml.etree.ElementTree as ET

import pytest
import rdflib

from metrograph.build import dumps
from metrograph.store import label_search
from metrograph.web import catalog

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def check_conditional(client, url, response, **headers):
    etag = response.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag, **headers})
    assert again.status_code == 304
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"]


# --- search -------------------------------------------------------------------------------------

def test_search_json_ranked(client):
    response = client.get("/search.json?q=goettingen&limit=5")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert data["results"][0]["path"] == "/id/kreis/03159"
    assert len(data["results"]) <= 5
    assert client.get("/search.json?q=HBGW").get_json()["results"][0]["path"] == "/id/region/hbgw"
    check_conditional(client, "/search.json?q=goettingen&limit=5", response)


def test_search_negotiates_html_and_json(client):
    html = client.get("/search?q=Peine", headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert "Accept" in html.headers["Vary"]
    body = html.get_data(as_text=True)
    assert 'href="/id/kreis/03157"' in body and 'href="/id/gemeinde/03157006"' in body
    assert body.index('/id/kreis/03157"') < body.index('/id/gemeinde/03157006"')
    as_json = client.get("/search?q=Peine", headers={"Accept": "application/json"})
    assert as_json.mimetype == "application/json"
    assert as_json.get_json()["results"][0]["path"] == "/id/kreis/03157"
    assert client.get("/search?q=Peine&format=json").mimetype == "application/json"
    check_conditional(client, "/search?q=Peine", html, Accept="text/html")


def test_search_type_filter(client):
    data = client.get("/search.json?q=goettingen&type=gemeinde").get_json()
    assert data["results"] and {r["kind"] for r in data["results"]} == {"gemeinde"}
    assert client.get("/search.json?q=harz&type=regbez").status_code == 200


@pytest.mark.parametrize("url", [
    "/search.json", "/search.json?q=", "/search.json?q=" + "x" * 201,
    "/search.json?q=a&limit=0", "/search.json?q=a&limit=101", "/search.json?q=a&limit=ten",
    "/search.json?q=a&limit=%C2%B2", "/search.json?q=a&limit=-1",
    "/search.json?q=a&type=planet", "/search?q=a&q=b", "/search?q=a&lang=fr",
])
def test_search_bad_parameters(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"


def test_search_page_without_query_and_escaping(client):
    empty = client.get("/search", headers={"Accept": "text/html"})
    assert empty.status_code == 200 and 'name="q"' in empty.get_data(as_text=True)
    evil = client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
                      headers={"Accept": "text/html"})
    body = evil.get_data(as_text=True)
    assert evil.status_code == 200
    assert "<script>alert" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    data = client.get("/search.json?q=%3Cscript%3E").get_json()
    assert data["query"] == "<script>"


def test_search_autocomplete_answers_prefixes(client):
    for prefix in ("G", "Gö", "Göt", "Gött", "Götti"):
        response = client.get(f"/search.json?q={prefix}&limit=10")
        assert response.status_code == 200
        assert response.get_json()["results"]


# --- VoID, examples, SHACL report ---------------------------------------------------------------

@pytest.mark.parametrize("url", ["/.well-known/void", "/.well-known/sparql-examples"])
def test_self_description_in_every_rdf_format(client, url):
    turtle = client.get(url)
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    assert "Accept" in turtle.headers["Vary"]
    reference = rdflib.Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    assert len(reference) > 50
    for accept, fmt in (("application/ld+json", "json-ld"), ("application/n-triples", "nt"),
                        ("application/rdf+xml", "xml")):
        response = client.get(url, headers={"Accept": accept})
        assert response.mimetype == accept
        parsed = rdflib.Graph().parse(data=response.get_data(), format=fmt)
        assert len(parsed) == len(reference)
    assert client.get(url + "?format=nt").mimetype == "application/n-triples"
    assert client.get(url, headers={"Accept": "image/png"}).status_code == 406
    check_conditional(client, url, turtle)


def test_shacl_report_page_and_rdf(client, release):
    page = client.get("/shacl-report", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "sh:conforms true" in page.get_data(as_text=True)
    ttl = client.get("/shacl-report.ttl")
    assert ttl.mimetype == "text/turtle"
    report = rdflib.Graph().parse(data=ttl.get_data(as_text=True), format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert list(report.objects(None, sh.conforms)) == [rdflib.Literal(True)]
    assert ttl.get_data() == (release.path / "shacl-report.ttl").read_bytes()
    negotiated = client.get("/shacl-report", headers={"Accept": "text/turtle"})
    assert negotiated.mimetype == "text/turtle" and "Accept" in negotiated.headers["Vary"]
    check_conditional(client, "/shacl-report.ttl", ttl)


# --- sitemap and robots.txt ---------------------------------------------------------------------

def _locs(body: bytes, tag: str) -> list[str]:
    root = ET.fromstring(body)
    return [e.findtext(f"{SITEMAP_NS}loc") for e in root.iter(f"{SITEMAP_NS}{tag}")]


def test_sitemap_lists_every_entity_page(client, release, base):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    urls = _locs(response.get_data(), "url")
    assert "http://127.0.0.1:8000/id/kreis/03358" in urls
    assert "http://127.0.0.1:8000/id/gemeinde/03358021" in urls
    assert "http://127.0.0.1:8000/id/region/hbgw" in urls
    index = label_search.SearchIndex(release.path / label_search.INDEX_FILENAME)
    assert len(urls) == len(index.pages()) + 4 == len(set(urls))
    index.close()
    check_conditional(client, "/sitemap.xml", response)


def test_sitemap_splits_into_an_index(client, monkeypatch):
    full = _locs(client.get("/sitemap.xml").get_data(), "url")
    monkeypatch.setattr(catalog, "SITEMAP_MAX_URLS", 5000)
    response = client.get("/sitemap.xml", headers={"Cache-Control": "no-cache"})
    parts = _locs(response.get_data(), "sitemap")
    assert len(parts) == (len(full) + 4999) // 5000
    collected = []
    for url in parts:
        part = client.get(url.removeprefix("http://localhost"))
        assert part.status_code == 200
        collected += _locs(part.get_data(), "url")
    assert collected == full
    assert client.get(f"/sitemap-{len(parts) + 1}.xml").status_code == 404


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(text.splitlines())
    assert parser.can_fetch("*", "http://127.0.0.1:8000/id/kreis/03358")
    assert parser.can_fetch("*", "http://127.0.0.1:8000/dumps/")
    assert not parser.can_fetch("*", "http://127.0.0.1:8000/sparql?query=SELECT")
    assert not parser.can_fetch("*", "http://127.0.0.1:8000/search?q=x")


# --- dumps --------------------------------------------------------------------------------------

def test_dumps_listing_html_and_dcat(client, release):
    written = dumps.read_dumps(release.path)
    page = client.get("/dumps/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Accept" in page.headers["Vary"]
    body = page.get_data(as_text=True)
    for dump in written:
        assert f'href="/dumps/{dump.name}"' in body and dump.sha256 in body
    dcat = client.get("/dumps/", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=dcat.get_data(as_text=True), format="turtle")
    urls = {str(o) for o in graph.objects(None, rdflib.namespace.DCAT.downloadURL)}
    assert {u.rsplit("/", 1)[-1] for u in urls} == {d.name for d in written}
    jsonld = client.get("/dumps/?format=jsonld")
    assert json.loads(jsonld.get_data())
    assert client.get("/dumps").status_code in {301, 308}


def test_dump_files_served_as_gzip_files(client, release):
    for dump in dumps.read_dumps(release.path):
        url = f"/dumps/{dump.name}"
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "application/gzip"
        assert "Content-Encoding" not in response.headers
        assert f"filename={dump.name}" in response.headers["Content-Disposition"]
        assert release.id in response.headers["ETag"]
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        data = response.get_data()
        response.close()
        assert len(data) == dump.bytes and gzip.decompress(data)[:1] in {b"<", b"@"}
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and not again.get_data()
        head = client.head(url)
        assert head.status_code == 200 and int(head.headers["Content-Length"]) == dump.bytes
        head.close()
        part = client.get(url, headers={"Range": "bytes=0-1"})
        assert part.status_code == 206 and part.get_data() == b"\x1f\x8b"
        part.close()
        alias = client.get(f"/dumps/{dump.alias}")
        assert alias.status_code == 302 and alias.headers["Location"].endswith(url)


def test_checksums_file_and_unknown_names(client, release):
    sums = client.get("/dumps/SHA256SUMS")
    assert sums.status_code == 200 and sums.mimetype == "text/plain"
    assert sums.get_data() == (release.path / "dumps" / "SHA256SUMS").read_bytes()
    sums.close()  # a file response: the WSGI server closes it, the test client does not
    for name in ("nothing.nq.gz", "dumps.json", "..%2Frelease.json", "metrograph-0.nq.gz"):
        assert client.get(f"/dumps/{name}").status_code == 404
