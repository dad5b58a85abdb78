"""Point lookups: the memo in front of the app (web/memo.py) answers repeated requests exactly as
the app does, and ``DESCRIBE <iri>`` is answered in the server process (metrograph/store/point_lookups.py)
with the bytes the query processes send."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from metrograph.errors import BadRequest
from metrograph.sparql import protocol

BASE = "https://w3id.org/metrograph/"
KREIS = BASE + "id/kreis/03358"
TURTLE = {"Accept": "text/turtle"}
#: requests whose answers carry a weak ETag: the memo may keep them
CACHEABLE = [
    ("/id/kreis/03358", TURTLE),
    ("/id/kreis/03358", {"Accept": "application/n-triples"}),
    ("/id/kreis/03358.html?lang=en", {}),
    ("/id/kreis/03358", {"Accept": "text/html", "Accept-Language": "en"}),
    ("/sparql?query=" + quote(f"DESCRIBE <{KREIS}>"), TURTLE),
    ("/sparql?query=" + quote("SELECT ?s WHERE { ?s a mg:District } ORDER BY ?s LIMIT 3"), {}),
    ("/sparql", TURTLE),
    ("/search.json?q=Heide", {}),
    ("/", {"Accept-Language": "en"}),
]


@pytest.fixture
def memo(app):
    memo = app.extensions["metrograph.memo"]
    memo.clear()
    yield memo
    memo.clear()


def _same(a, b) -> None:
    assert a.status_code == b.status_code
    assert sorted(a.headers.items()) == sorted(b.headers.items())
    assert a.data == b.data


@pytest.mark.parametrize(("path", "headers"), CACHEABLE)
def test_the_memo_answers_as_the_app_does(client, memo, path, headers):
    first = client.get(path, headers=headers)  # the app's answer, remembered
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')
    etag = first.headers["ETag"]
    memo.clear()
    app_304 = client.get(path, headers={**headers, "If-None-Match": etag})
    app_head = client.head(path, headers=headers)
    assert len(memo) == 0  # neither a 304 nor a HEAD is remembered
    stored = client.get(path, headers=headers)  # (blank node labels may differ from first's)
    hits = memo.hits
    _same(client.get(path, headers=headers), stored)
    _same(client.get(path, headers={**headers, "If-None-Match": etag}), app_304)
    _same(client.head(path, headers=headers), app_head)
    assert app_304.status_code == 304 and app_304.data == b""
    assert memo.hits == hits + 3


def test_memo_answers_are_counted_in_the_metrics(client, memo):
    def answered_304() -> int:
        for line in client.get("/metrics").get_data(as_text=True).splitlines():
            if line.startswith('metrograph_http_responses_total{method="GET",code="304"}'):
                return int(line.rsplit(" ", 1)[1])
        return 0

    etag = client.get("/id/kreis/03358", headers=TURTLE).headers["ETag"]
    before = answered_304()
    hits = memo.hits
    for _ in range(3):
        assert client.get("/id/kreis/03358",
                          headers={**TURTLE, "If-None-Match": etag}).status_code == 304
    assert memo.hits == hits + 3 and answered_304() == before + 3


def test_the_memo_keeps_requests_apart(client, memo):
    ttl = client.get("/id/kreis/03358", headers=TURTLE)
    nt = client.get("/id/kreis/03358", headers={"Accept": "application/n-triples"})
    assert client.get("/id/kreis/03358", headers=TURTLE).data == ttl.data
    assert client.get("/id/kreis/03358",
                      headers={"Accept": "application/n-triples"}).mimetype == nt.mimetype
    assert nt.mimetype == "application/n-triples" and ttl.mimetype == "text/turtle"
    de = client.get("/id/kreis/03358", headers={"Accept": "text/html", "Accept-Language": "de"})
    en = client.get("/id/kreis/03358", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert de.data != en.data and 'lang="en"' in en.get_data(as_text=True)
    # a stale ETag gets the full answer, a list holding the current one gets 304
    stale = client.get("/id/kreis/03358", headers={**TURTLE, "If-None-Match": 'W/"old"'})
    assert stale.status_code == 200 and stale.data == ttl.data
    listed = client.get("/id/kreis/03358",
                        headers={**TURTLE, "If-None-Match": f'W/"old", {ttl.headers["ETag"]}'})
    assert listed.status_code == 304
    # the raw path is part of the key: an encoded slash is still refused
    assert client.get("/id/kreis%2F03358", headers=TURTLE).status_code in {400, 404}


def test_the_memo_leaves_the_rest_to_the_app(client, memo):
    hits = memo.hits
    for _ in range(2):
        assert client.get("/id/kreis/99999", headers=TURTLE).status_code == 404
        assert client.post("/sparql", data={"query": "ASK {}"}).status_code == 200
        assert client.get("/sparql?query=" + quote("SELECT * { SERVICE <http://x/> {} }"),
                          headers=TURTLE).status_code == 400
        ranged = client.get("/id/kreis/03358", headers={**TURTLE, "Range": "bytes=0-9"})
        assert ranged.status_code == 200
    assert len(memo) == 0 and memo.hits == hits
    listing = client.get("/dumps/")
    for href in [h for h in listing.get_data(as_text=True).split('"') if h.endswith(".nt.gz")][:1]:
        client.get(href)
        assert client.get(href).headers["ETag"].startswith('"')  # strong: never remembered
    assert all(entry.etag for entry in memo._entries.values())


# --- DESCRIBE <iri> in the server process -----------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("DESCRIBE <http://x/a>", True),
    ("BASE <http://x/>\nPREFIX p: <http://y/>\n# a comment\ndescribe p:a", True),
    ("DESCRIBE <http://x/a> <http://x/b>", False),
    ("DESCRIBE <http://x/a> WHERE { }", False),
    ("DESCRIBE <http://x/a> FROM <http://x/g>", False),
    ("DESCRIBE ?x", False),
    ("DESCRIBE *", False),
    ("PREFIX p: DESCRIBE <http://x/a>", False),
    ("DESCRIBE <http://x/\\u0041>", False),
    ("SELECT * {}", False),
])
def test_point_lookups_are_recognised(query, expected):
    assert protocol.is_point_lookup(query) is expected


def test_service_in_any_case_spelling_is_still_refused():
    # the shortcut upper-cases the text as the scan upper-cases words: ſ and ı become S and I
    # (\u escapes outside strings and IRIs are no keyword to pyoxigraph: test_sparql_protocol.py)
    for query in ("SELECT * { ſervıce <http://x/> {} }", "SELECT * {service<http://x/>{}}"):
        with pytest.raises(BadRequest):
            protocol.refuse_unsafe(query)
    protocol.refuse_unsafe("SELECT * { ?s ?p 'no such word' }")


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "rdf", "nq", "trig"])
def test_describe_answered_here_with_the_query_processes_bytes(app, client, memo, fmt):
    engine = app.extensions["metrograph"].engine
    for iri in (KREIS, BASE + "id/gemeinde/03358024", BASE + "id/region/hbgw",
                BASE + "ontology#MetropolitanRegion", BASE + "id/nothing-here"):
        query = f"DESCRIBE <{iri}>"
        before = engine.cache_size
        here = client.get("/sparql?query=" + quote(query) + "&format=" + fmt)
        assert here.status_code == 200
        assert engine.cache_size == before  # not sent to a query process
        there = engine.execute(query, results_format=None, graph_format=fmt)  # a query process
        assert here.data == there.body


def test_describe_with_a_blank_node_is_left_to_the_query_processes(sparql_app, sparql_client):
    engine = sparql_app.extensions["metrograph"].engine
    for query, here_expected in (("DESCRIBE <id/test/item7>", True),
                                 ("DESCRIBE <id/test/special>", False)):  # labels differ by store
        before = engine.cache_size
        answer = sparql_client.get("/sparql?query=" + quote(query), headers=TURTLE)
        assert answer.status_code == 200
        assert (engine.cache_size == before) is here_expected
        assert answer.data == engine.execute(query, results_format=None, graph_format="ttl").body
    # the general path still answers what a point lookup cannot
    bad = sparql_client.get("/sparql?query=" + quote("DESCRIBE nope:x"))
    assert bad.status_code == 400 and b"syntax" in bad.data


# --- over HTTP, through gunicorn ---------------------------------------------------------------

@pytest.mark.server
def test_repeats_and_304_over_http(release, settings):
    import http.client

    from servers import start_server

    url, stop = start_server(settings["var_dir"], {
        "project_dir": settings["project_dir"], "workers": 1, "query_workers": 1,
        "query_timeout": 5}, probe="/dataset.ttl")
    host, port = url.rsplit("/", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)

    def get(path: str, headers: dict[str, str], method: str = "GET"):
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, {k: v for k, v in response.getheaders() if k != "Date"}, body

    try:
        for path in ("/id/gemeinde/03358024", "/sparql?query=" + quote(f"DESCRIBE <{KREIS}>")):
            first = get(path, TURTLE)  # the app
            again = get(path, TURTLE)  # the memo, on the same kept-alive connection
            assert first == again and first[0] == 200
            etag = first[1]["ETag"]
            status, headers, body = get(path, {**TURTLE, "If-None-Match": etag})
            assert (status, body) == (304, b"")
            assert headers["ETag"] == etag and "Accept" in headers["Vary"]
            assert "Content-Type" not in headers and "Content-Length" not in headers
            head = get(path, TURTLE, "HEAD")
            assert head[0] == 200 and head[2] == b""
            assert head[1]["Content-Length"] == str(len(first[2]))
    finally:
        connection.close()
        stop()
