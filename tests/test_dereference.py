"""Dereferencing through the test client: negotiation, document URLs, headers, status codes,
every format parsed, and every subject of the graph resolvable."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib

BASE = "https://w3id.org/metrograph/"
FORMATS = {"ttl": ("text/turtle", "turtle"), "jsonld": ("application/ld+json", "json-ld"),
           "nt": ("application/n-triples", "nt"), "rdf": ("application/rdf+xml", "xml")}
KINDS = ["/id/kreis/03358", "/id/region/hbgw", "/id/gemeinde/03358024", "/id/land/03",
         "/id/membership/region-hbgw.kreis-03358.heidekreis-kooperationen", "/id/role",
         "/source/destatis-gv-2024", "/graph/heidekreis-kooperationen", "/dataset", "/ontology"]


def parse(body: bytes, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=FORMATS[fmt][1], publicID=BASE)


@pytest.mark.parametrize("path", KINDS)
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_kind_in_every_format(client, path, fmt):
    media, _ = FORMATS[fmt]
    by_accept = client.get(path, headers={"Accept": media})
    assert by_accept.status_code == 200
    assert by_accept.mimetype == media
    assert by_accept.headers["Content-Location"] == f"{path}.{fmt}"
    assert "Accept" in by_accept.headers["Vary"]
    links = by_accept.headers["Link"]
    for ext, (other, _) in FORMATS.items():
        assert f'<{path}.{ext}>; rel="alternate"; type="{other}"' in links
    assert f'<{path}.html>; rel="alternate"; type="text/html"' in links
    by_suffix = client.get(f"{path}.{fmt}")
    assert by_suffix.status_code == 200 and by_suffix.data == by_accept.data
    graph = parse(by_suffix.data, fmt)
    iri = rdflib.URIRef(BASE + path.lstrip("/"))
    assert (iri, None, None) in graph or (None, None, iri) in graph


def test_browsers_get_html_and_no_accept_gets_turtle(client):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = client.get("/id/kreis/03358", headers={"Accept": browser})
    assert page.mimetype == "text/html"
    assert page.headers["Content-Location"] == "/id/kreis/03358.html"
    assert client.get("/id/kreis/03358").mimetype == "text/turtle"
    assert client.get("/id/kreis/03358", headers={"Accept": "*/*"}).mimetype == "text/turtle"
    assert client.get("/id/kreis/03358", headers={"Accept": "image/png"}).status_code == 406


def test_hash_terms_are_served_by_their_document(client):
    ontology = parse(client.get("/ontology.ttl").data, "ttl")
    assert (rdflib.URIRef(BASE + "ontology#MetropolitanRegion"), None, None) in ontology
    page = client.get("/ontology.html").get_data(as_text=True)
    assert 'id="MetropolitanRegion"' in page
    kreis = parse(client.get("/id/kreis/03358.ttl").data, "ttl")
    assert (rdflib.URIRef(BASE + "id/kreis/03358#geometry"), None, None) in kreis


@pytest.mark.parametrize("path,status", [
    ("/id/kreis/99999", 404), ("/id/nothing/here", 404), ("/source/nope.ttl", 404),
    ("/graph/nope", 404), ("/ontology.xyz", 404), ("/id/kreis/03358.xyz", 404),
    ("/id/kreis/%3Cscript%3E", 404),
    ("/id/kreis/..%2F..%2Fetc", 400), ("/id/kreis%2F03358", 400), ("/id/kreis/../kreis/03358", 400),
    ("/id/%FF%FE", 400), ("/id/kreis/" + "9" * 600, 400), ("/id/kreis/03358?date=31.12.2020", 400),
    ("/id/kreis/03358.html?page=0", 400), ("/id/kreis/03358.html?lang=fr", 400),
])
def test_bad_and_unknown_paths(client, path, status):
    """Browsers get a page of the site (navigation, search, the server's note, in the page's
    language); RDF clients and curl get the sentence as plain text."""
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == status, page.data
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert 'role="search"' in html and 'href="/sparql"' in html and "<script>" not in html
    assert ("Nicht gefunden" if status == 404 else "Ungültige Anfrage") in html
    for accept in () if "?" in path else ("*/*", "text/turtle", "application/ld+json"):
        # (page parameters such as ?date= are read by the HTML page alone)
        plain = client.get(path, headers={"Accept": accept})
        assert plain.status_code == status and plain.mimetype == "text/plain", accept
        assert plain.get_data(as_text=True).startswith(f"{status} ")


def test_error_pages_speak_english_on_request(client):
    html = client.get("/id/kreis/99999?lang=en", headers={"Accept": "text/html"}).get_data(
        as_text=True)
    assert "Not found" in html and "Nicht gefunden" not in html and '<html lang="en">' in html


def test_conditional_get(client):
    first = client.get("/id/kreis/03358", headers={"Accept": "text/turtle"})
    etag = first.headers["ETag"]
    again = client.get("/id/kreis/03358", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    other = client.get("/id/kreis/03358", headers={"Accept": "application/n-triples",
                                                   "If-None-Match": etag})
    assert other.status_code == 200
    assert client.head("/id/kreis/03358.ttl").status_code == 200


def test_post_is_not_allowed(client):
    assert client.post("/id/kreis/03358").status_code == 405


def test_every_subject_dereferences(client, select):
    """Each IRI found by SELECT DISTINCT ?s resolves (its document, fragment stripped) and the
    document describes it. All documents as N-Triples; a sample in every format."""
    subjects = {row["s"] for row in select("SELECT DISTINCT ?s { ?s ?p ?o FILTER(isIRI(?s)) }")}
    # the ~190,000 statistical observations are all alike: every 500th stands for them
    observations = sorted(s for s in subjects if s.startswith(BASE + "id/observation/"))
    subjects = (subjects - set(observations)) | set(observations[::500])
    documents: dict[str, set[str]] = {}
    for s in subjects:
        assert s.startswith(BASE), s
        documents.setdefault(s.partition("#")[0], set()).add(s)
    failures = []
    for document, described in sorted(documents.items()):
        path = "/" + document[len(BASE):]
        response = client.get(path, headers={"Accept": "application/n-triples"})
        if response.status_code != 200:
            failures.append((path, response.status_code))
            continue
        found = {t.subject.value for t in ox.parse(response.data,
                                                   format=ox.RdfFormat.N_TRIPLES)}
        if not described <= found:
            failures.append((path, sorted(described - found)[:3]))
    assert not failures, failures[:10]


def test_html_page_features(client):
    html = client.get("/id/kreis/03358?lang=en", headers={"Accept": "text/html"}).get_data(
        as_text=True)
    assert '<html lang="en">' in html
    assert 'href="/id/region/hamburg?lang=en"' in html
    assert 'href="/id/region/hbgw?lang=en"' in html
    assert 'href="https://www.wikidata.org/wiki/Q5922"' in html
    assert "<svg" in html and 'class="map"' in html
    assert 'action="/search"' in html and 'href="/sparql?query=' in html
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">')
    data = json.loads(html[start:html.index("</script>", start)])
    assert data["@id"] == BASE + "id/kreis/03358" and data["name"] == "Heidekreis"
    german = client.get("/id/kreis/03358.html").get_data(as_text=True)
    assert '<html lang="de">' in german and "Mitgliedschaften" in german
    assert client.get("/id/kreis/03358.html", headers={"Accept-Language": "en"}).get_data(
        as_text=True).startswith("<!doctype html>\n<html lang=\"en\">")


def test_query_this_link_opens_the_query_page(client):
    html = client.get("/id/kreis/03358.html").get_data(as_text=True)
    href = html.split('class="query-this" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    page = client.get(href, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "id/kreis/03358" in page.get_data(as_text=True)


def test_as_of_switch_on_the_page(client, select):
    row = select("""SELECT ?member ?end WHERE { ?m a org:Membership ; org:member ?member ;
        org:memberDuring/time:hasEnd/time:inXSDgYear ?end } ORDER BY ?member LIMIT 1""")[0]
    path = "/" + row["member"][len(BASE):]
    end = int(row["end"][:4])
    during = client.get(f"{path}.html?date={end}-06-01").get_data(as_text=True)
    after = client.get(f"{path}.html?date={end + 1}-01-01").get_data(as_text=True)
    assert during.count("data-membership=") > after.count("data-membership=")


def test_pagination_links(client):
    html = client.get("/id/land/09.html").get_data(as_text=True)
    assert 'rel="next"' in html
    second = client.get("/id/land/09.html?page=2&rel=" + BASE + "ontology%23inState")
    assert second.status_code == 200 and 'rel="prev"' in second.get_data(as_text=True)


def test_home_page(client):
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/id/region/hbgw"' in html and 'href="/sparql"' in html
    assert 'href="/search"' in html


@pytest.mark.parametrize("lang, title", [
    ("de", "Mitgliedschaft: Heidekreis in Metropolregion Hamburg"),
    ("en", "Membership: Heidekreis in Hamburg Metropolitan Region"),
])
def test_a_membership_page_is_titled_by_its_parties_not_its_slug(client, lang, title):
    html = client.get(f"/id/membership/region-hamburg.kreis-03358.heidekreis-kooperationen"
                      f"?lang={lang}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f"<title>{title} · metrograph</title>" in html
    assert "<title>region-hamburg" not in html


def test_a_label_without_a_source_shows_no_empty_brackets(client):
    html = client.get("/graph/heidekreis-kooperationen", headers={"Accept": "text/html"})
    assert "<small>()</small>" not in html.get_data(as_text=True)
