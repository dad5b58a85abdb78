"""/sparql through the Flask test client: W3C SPARQL 1.1 Protocol cases, formats, safety, caching.

Results are read back with independent parsers (json, csv, rdflib's result and RDF parsers),
never compared as strings. The W3C cases follow rdf-tests ``sparql/sparql11/protocol`` with the
dataset IRIs replaced by this release's named graphs.
"""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote, urlencode

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.query import Result
from sparql_fixtures import BASE, GRAPH_A, GRAPH_B, ITEMS, TRICKY


@pytest.fixture
def embedded_client(sparql_app):
    """For the tests about the app itself (they change its state), not about the store."""
    with sparql_app.test_client() as client:
        yield client


@pytest.fixture
def sparql_client(sparql_client_both):
    """Every test here runs on the embedded store and on Virtuoso (the remote backend)."""
    return sparql_client_both

SPECIAL = BASE + "id/test/special"
ITEM0 = BASE + "id/test/item0"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def get(client, query: str | None = None, headers=None, **params):
    pairs = ([("query", query)] if query is not None else []) + [
        (k.replace("_", "-"), v) for k, vs in params.items()
        for v in (vs if isinstance(vs, list | tuple) else [vs])]
    return client.get("/sparql?" + urlencode(pairs), headers=headers or {})


def boolean(response) -> bool:
    assert response.status_code == 200, response.data
    kind = response.mimetype
    if kind in {"application/sparql-results+json", "application/json"}:
        return json.loads(response.data)["boolean"]
    return Result.parse(io.BytesIO(response.data), format="xml").askAnswer


# --- W3C protocol test cases ------------------------------------------------------------------

def test_query_get(sparql_client):
    assert boolean(get(sparql_client, "ASK {}", default_graph_uri=GRAPH_A))


def test_query_post_form(sparql_client):
    # rdf-tests puts default-graph-uri in the URL and the query in the form body
    response = sparql_client.post("/sparql?default-graph-uri=" + quote(GRAPH_A, safe=""),
                                  data="query=ASK%20%7B%7D", content_type=FORM)
    assert boolean(response)


def test_query_post_direct(sparql_client):
    assert boolean(sparql_client.post("/sparql", data="ASK {}", content_type=DIRECT))


def test_query_post_direct_with_charset_utf8(sparql_client):
    response = sparql_client.post("/sparql", data=b"ASK {}",
                                  content_type=DIRECT + "; charset=UTF-8")
    assert boolean(response)


BOTH = f"ASK {{ <{SPECIAL}> a ?type . <{ITEM0}> a ?type . }}"
TWO_GRAPHS = (f"ASK {{ GRAPH ?g1 {{ <{SPECIAL}> a ?type }} "
              f"GRAPH ?g2 {{ <{ITEM0}> a ?type }} }}")


def test_query_dataset_default_graphs_get(sparql_client):
    assert boolean(get(sparql_client, BOTH, default_graph_uri=[GRAPH_A, GRAPH_B]))
    assert not boolean(get(sparql_client, BOTH, default_graph_uri=[GRAPH_A]))


def test_query_dataset_default_graphs_post(sparql_client):
    url = "/sparql?" + urlencode([("default-graph-uri", GRAPH_A), ("default-graph-uri", GRAPH_B)])
    assert boolean(sparql_client.post(url, data=BOTH, content_type=DIRECT))
    url = "/sparql?" + urlencode([("default-graph-uri", GRAPH_B)])
    assert not boolean(sparql_client.post(url, data=BOTH, content_type=DIRECT))


def test_query_dataset_named_graphs_get_and_post(sparql_client):
    assert boolean(get(sparql_client, TWO_GRAPHS, named_graph_uri=[GRAPH_A, GRAPH_B]))
    assert not boolean(get(sparql_client, TWO_GRAPHS, named_graph_uri=[GRAPH_B]))
    url = "/sparql?" + urlencode([("named-graph-uri", GRAPH_A), ("named-graph-uri", GRAPH_B)])
    assert boolean(sparql_client.post(url, data=TWO_GRAPHS, content_type=DIRECT))


def test_query_dataset_full(sparql_client):
    query = (f"ASK {{ <{SPECIAL}> a ?type GRAPH ?g1 {{ <{ITEM0}> a ?type }} }}")
    url = "/sparql?" + urlencode([("default-graph-uri", GRAPH_B), ("named-graph-uri", GRAPH_A)])
    assert boolean(sparql_client.post(url, data=query, content_type=DIRECT))


def test_query_multiple_dataset_protocol_overrides_from(sparql_client):
    query = (f"ASK FROM <{GRAPH_A}> {{ <{SPECIAL}> a ?type }}")
    assert not boolean(sparql_client.post("/sparql", data=query, content_type=DIRECT))
    url = "/sparql?" + urlencode([("default-graph-uri", GRAPH_B)])
    assert boolean(sparql_client.post(url, data=query, content_type=DIRECT))


@pytest.mark.parametrize(("query", "kinds"), [
    ("SELECT (1 AS ?value) {}", {"application/sparql-results+json",
                                 "application/sparql-results+xml", "text/csv",
                                 "text/tab-separated-values"}),
    ("ASK {}", {"application/sparql-results+json", "application/sparql-results+xml"}),
    ("DESCRIBE <http://example.org/>", {"text/turtle", "application/rdf+xml",
                                        "application/n-triples", "application/ld+json"}),
    ("CONSTRUCT { <s> <p> 1 } WHERE {}", {"text/turtle", "application/rdf+xml",
                                          "application/n-triples", "application/ld+json"}),
])
def test_query_content_type(sparql_client, query, kinds):
    response = sparql_client.post("/sparql", data=query, content_type=DIRECT)
    assert response.status_code == 200
    assert response.mimetype in kinds


def test_bad_query_method(sparql_client):
    response = sparql_client.put("/sparql?query=ASK%20%7B%7D", content_type=FORM)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {
        "GET", "HEAD", "POST", "OPTIONS"}


def test_bad_multiple_queries(sparql_client):
    response = sparql_client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert response.status_code == 400
    assert b"exactly one query" in response.data


@pytest.mark.parametrize(("url", "body", "content_type"), [
    ("/sparql?query=ASK%20%7B%7D", "query=ASK%20%7B%7D", FORM),  # URL and form body
    ("/sparql?query=ASK%20%7B%7D", "ASK {}", DIRECT),  # URL and direct body
])
def test_two_queries_in_different_places(sparql_client, url, body, content_type):
    assert sparql_client.post(url, data=body, content_type=content_type).status_code == 400


def test_bad_query_wrong_media_type(sparql_client):
    response = sparql_client.post("/sparql", data="ASK {}", content_type="text/plain")
    assert response.status_code == 415
    assert DIRECT.encode() in response.data


@pytest.mark.parametrize("body", ["query=ASK%20%7B%7D", "ASK {}"])
def test_bad_query_missing_type(sparql_client, body):
    # werkzeug's test client sends no Content-Type when none is given
    response = sparql_client.post("/sparql", data=body.encode())
    assert response.status_code == 415


def test_bad_query_non_utf8(sparql_client):
    response = sparql_client.post("/sparql", data="ASK {}".encode("utf-16"),
                                  content_type=DIRECT + "; charset=UTF-16")
    assert response.status_code == 415
    response = sparql_client.post("/sparql", data=b"ASK { \xff }", content_type=DIRECT)
    assert response.status_code == 400


def test_bad_query_syntax_says_where(sparql_client):
    response = get(sparql_client, "SELECT *\nWHERE {\n  ?s ?p ?o .\n  FILTER(\n}")
    assert response.status_code == 400
    assert b"line 5, column" in response.data


def test_post_without_query(sparql_client):
    response = sparql_client.post("/sparql", data="default-graph-uri=x", content_type=FORM)
    assert response.status_code == 400


# --- read-only -------------------------------------------------------------------------------

INSERT = f"INSERT DATA {{ GRAPH <{GRAPH_A}> {{ <urn:x:s> <urn:x:p> <urn:x:o> }} }}"
INSERTED = "ASK { <urn:x:s> <urn:x:p> <urn:x:o> }"


@pytest.mark.parametrize("send", [
    lambda c: c.get("/sparql?update=CLEAR%20ALL"),  # bad_update_get
    lambda c: c.post("/sparql", data="update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
                     content_type=FORM),  # bad_multiple_updates
    lambda c: c.post("/sparql", data="update=" + quote(INSERT), content_type=FORM),
    lambda c: c.post("/sparql", data=INSERT, content_type="application/sparql-update"),
    lambda c: c.post("/sparql", data=INSERT, content_type=DIRECT),
    lambda c: get(c, INSERT),
    lambda c: get(c, "PREFIX ex: <urn:x:> # comment\nDELETE WHERE { ?s ?p ?o }"),
    lambda c: get(c, "LOAD <http://127.0.0.1:9/data.ttl>"),
    lambda c: get(c, "DROP ALL"),
])
def test_updates_are_refused_and_change_nothing(sparql_client, send):
    response = send(sparql_client)
    assert response.status_code == 400
    assert b"read-only" in response.data
    assert not boolean(get(sparql_client, INSERTED))
    assert count(sparql_client) == 2 * ITEMS + 4


def count(client, query: str = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", **params) -> int:
    response = get(client, query, **params)
    assert response.status_code == 200, response.data
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("query", [
    "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:x { ?s ?p ?o } }",
    "SELECT * { ?s ?p ?o FILTER(?o<'x>' ) SERVICE <http://127.0.0.1:9/> {} #' }",
    "SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * { BIND(<http://127.0.0.1:9/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
])
def test_service_is_refused(sparql_client, query):
    response = get(sparql_client, query)
    assert response.status_code == 400
    if "\\u" in query and b"syntax error" in response.data:
        return  # pyoxigraph decodes \u only in strings and IRIs: not SERVICE, not a query
    assert b"SERVICE" in response.data


@pytest.mark.parametrize("query", [
    'SELECT * { ?s ?p "customer SERVICE desk" } LIMIT 1',
    "SELECT ?service { ?service ?p ?o } LIMIT 1",
    "PREFIX ex: <http://example.org/> SELECT * { ?s ex:service ?o } LIMIT 1",
    "SELECT * { ?s <http://example.org/service> ?o } # SERVICE <http://x> {}",
])
def test_the_word_service_elsewhere_is_fine(sparql_client, query):
    assert get(sparql_client, query).status_code == 200


# --- limits ----------------------------------------------------------------------------------

def test_query_too_large(sparql_client, sparql_settings):
    big = "ASK {}" + " " * sparql_settings["max_query_bytes"]
    assert get(sparql_client, big).status_code == 413
    assert sparql_client.post("/sparql", data=big, content_type=DIRECT).status_code == 413
    huge = "query=" + "x" * (4 * sparql_settings["max_query_bytes"] + 8192)
    assert sparql_client.post("/sparql", data=huge, content_type=FORM).status_code == 413


def test_result_rows_over_the_cap(sparql_client):
    response = get(sparql_client, "SELECT * { ?s ?p ?o }")
    assert response.status_code == 400
    assert b"rows" in response.data and b"LIMIT" in response.data


def test_time_limit_gives_503_with_retry_after(sparql_client):
    response = get(sparql_client, "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert b"limit" in response.data
    assert boolean(get(sparql_client, "ASK { ?s ?p ?o }"))  # still serving


# --- formats ---------------------------------------------------------------------------------

SELECT_SPECIAL = f"SELECT ?label ?type {{ <{SPECIAL}> rdfs:label ?label ; a ?type }}"


@pytest.mark.parametrize(("accept", "parse"), [
    ("application/sparql-results+json", lambda b: Result.parse(io.BytesIO(b), format="json")),
    ("application/sparql-results+xml", lambda b: Result.parse(io.BytesIO(b), format="xml")),
    ("text/tab-separated-values", lambda b: Result.parse(io.BytesIO(b), format="tsv")),
])
def test_select_formats_round_trip(sparql_client, accept, parse):
    response = get(sparql_client, SELECT_SPECIAL, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    (row,) = list(parse(response.data))
    assert str(row.label) == TRICKY
    assert str(row.type) == BASE + "ontology#Item"


def test_select_csv_with_the_csv_module(sparql_client):
    response = get(sparql_client, SELECT_SPECIAL, headers={"Accept": "text/csv"})
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"), newline="")))
    assert rows == [{"label": TRICKY, "type": BASE + "ontology#Item"}]


def test_ask_xml(sparql_client):
    response = get(sparql_client, "ASK { ?s ?p ?o }",
                   headers={"Accept": "application/sparql-results+xml"})
    assert boolean(response)


def test_ask_as_csv_is_406_naming_the_alternatives(sparql_client):
    response = get(sparql_client, "ASK {}", headers={"Accept": "text/csv"})
    assert response.status_code == 406
    assert b"application/sparql-results+json" in response.data


def expected_graph_b() -> rdflib.Graph:
    from sparql_fixtures import quads

    lines = [f"{q.subject} {q.predicate} {q.object} .\n" for q in quads()
             if q.graph_name.value == GRAPH_B]
    return rdflib.Graph().parse(data="".join(lines), format="nt")


CONSTRUCT_B = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH_B}> {{ ?s ?p ?o }} }}"


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
    ("application/n-quads", "nquads"),
    ("application/trig", "trig"),
])
def test_graph_formats_round_trip(sparql_client, accept, rdflib_format):
    response = get(sparql_client, CONSTRUCT_B, headers={"Accept": accept})
    assert response.status_code == 200, response.data
    assert response.mimetype == accept
    if rdflib_format in {"nquads", "trig"}:
        dataset = rdflib.Dataset()
        dataset.parse(data=response.data, format=rdflib_format)
        graph = rdflib.Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
    else:
        graph = rdflib.Graph().parse(data=response.data, format=rdflib_format)
    assert isomorphic(graph, expected_graph_b())


def test_missing_accept_defaults(sparql_client):
    assert get(sparql_client, "SELECT * {} ").mimetype == "application/sparql-results+json"
    assert get(sparql_client, "ASK {}").mimetype == "application/sparql-results+json"
    assert get(sparql_client, CONSTRUCT_B).mimetype == "text/turtle"


def test_q_zero_is_respected(sparql_client):
    accept = "application/sparql-results+json;q=0, application/json;q=0, */*"
    response = get(sparql_client, "ASK {}", headers={"Accept": accept})
    assert response.mimetype == "application/sparql-results+xml"


def test_format_parameter_overrides_accept(sparql_client):
    response = get(sparql_client, SELECT_SPECIAL, headers={"Accept": "text/csv"}, format="tsv")
    assert response.mimetype == "text/tab-separated-values"
    response = get(sparql_client, CONSTRUCT_B, format="application/ld+json")
    assert response.mimetype == "application/ld+json"
    response = get(sparql_client, CONSTRUCT_B, format="csv")
    assert response.status_code == 406
    assert b"ttl" in response.data


def test_unsatisfiable_accept_names_what_is_available(sparql_client):
    response = get(sparql_client, CONSTRUCT_B, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert b"text/turtle" in response.data


def test_browser_asking_a_query_gets_the_page_running_it(sparql_client):
    query = "SELECT * { ?s ?p ?o } LIMIT 3 # </textarea><script>alert(1)</script>"
    response = get(sparql_client, query, headers={"Accept": BROWSER})
    assert response.mimetype == "text/html"
    assert b"<script>alert(1)" not in response.data
    assert b"&lt;/textarea&gt;&lt;script&gt;" in response.data
    assert b'data-autorun="true"' in response.data


# --- caching, HEAD, CORS ------------------------------------------------------------------------

def test_etag_and_304(sparql_client):
    first = get(sparql_client, SELECT_SPECIAL)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert first.headers["Vary"] == "Accept"
    assert "max-age" in first.headers["Cache-Control"]
    again = get(sparql_client, SELECT_SPECIAL, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    other_format = get(sparql_client, SELECT_SPECIAL, headers={"Accept": "text/csv"})
    assert other_format.headers["ETag"] != etag
    assert get(sparql_client, SELECT_SPECIAL, headers={"If-None-Match": 'W/"other"'}) \
        .status_code == 200


def test_etag_depends_on_the_release(sparql_app, embedded_client):
    etag = get(embedded_client, SELECT_SPECIAL).headers["ETag"]
    state = sparql_app.extensions["metrograph"]
    original = state.release
    try:
        state.release = type(original)(original.path, {**original.meta, "release_id": "other"})
        assert get(embedded_client, SELECT_SPECIAL).headers["ETag"] != etag
    finally:
        state.release = original


def test_head_has_headers_and_no_body(sparql_client):
    response = sparql_client.head("/sparql?query=" + quote("ASK {}"))
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert response.data == b""


def test_cors_preflight_and_reads(sparql_client):
    response = sparql_client.options("/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()
    assert get(sparql_client, "ASK {}").headers["Access-Control-Allow-Origin"] == "*"
    assert get(sparql_client, "ASK {").headers["Access-Control-Allow-Origin"] == "*"


# --- self-description --------------------------------------------------------------------------

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    (None, "turtle"),
    ("text/turtle", "turtle"),
    ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
])
def test_service_description(sparql_client, accept, rdflib_format):
    response = sparql_client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.data, format=rdflib_format)
    (service,) = graph.subjects(rdflib.RDF.type, SD.Service)
    assert graph.value(service, SD.endpoint) == rdflib.URIRef("http://127.0.0.1:8000/sparql")
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    names = {str(n) for n in graph.objects(None, SD.name)}
    assert names == {GRAPH_A, GRAPH_B}
    formats = {str(f) for f in graph.objects(service, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats


def test_query_page_for_browsers(sparql_client):
    response = sparql_client.get("/sparql", headers={"Accept": BROWSER})
    assert response.mimetype == "text/html"
    html = response.data.decode()
    assert "<textarea" in html and 'name="query"' in html
    # works offline: every script and stylesheet is served by us
    assert "http://" not in html.split("<main")[0] and "https://" not in html.split("<main")[0]
    assert 'src="/sparql-assets/sparql.js"' in html
    for asset in ("sparql.js", "style.css"):
        response = sparql_client.get("/sparql-assets/" + asset)
        assert response.status_code == 200
        response.close()


def test_query_page_lists_example_queries(sparql_app, embedded_client, tmp_path):
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "members.rq").write_text(
        "#+ title: Members <of> regions\n#+ description: Who & what\nSELECT * {} LIMIT 1\n")
    settings = sparql_app.extensions["metrograph"].settings
    original = settings["project_dir"]
    settings["project_dir"] = str(tmp_path)
    try:
        html = embedded_client.get("/sparql", headers={"Accept": "text/html"}).data.decode()
    finally:
        settings["project_dir"] = original
    assert "Members &lt;of&gt; regions" in html
    assert "Who &amp; what" in html
    assert 'id="example-data"' in html


def test_base_after_our_prefixes(sparql_client):
    """The query's own BASE, with the server's prefixes (Virtuoso wants BASE first)."""
    query = ("BASE <https://w3id.org/metrograph/>\n"
             "SELECT ?l WHERE { <id/test/special> rdfs:label ?l }")
    response = get(sparql_client, query, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data
    assert [b["l"]["value"] for b in json.loads(response.data)["results"]["bindings"]] == [TRICKY]


def test_checking_a_query_is_bounded_in_time_and_runs_outside_the_server_process():
    """The remote backend parses each query with pyoxigraph first, which evaluates it on an
    empty store: a cartesian product of VALUES blocks would occupy the web process for hours.
    The check runs in a process of its own and is stopped at the time limit (503)."""
    import time

    from metrograph.errors import BadRequest, ServiceUnavailable
    from metrograph.sparql.parse_process import ParseChecker
    from metrograph.store import remote_rewrite

    block = " ".join(str(i) for i in range(2000))
    query = (f"ASK {{ VALUES ?a {{ {block} }} VALUES ?b {{ {block} }} "
             f"VALUES ?c {{ {block} }} FILTER(?a + ?b + ?c < 0) }}")
    checker = ParseChecker(timeout=3)
    try:
        remote_rewrite.check_standard("ASK {}", checker=checker)  # starts a checking process
        started = time.monotonic()
        with pytest.raises(ServiceUnavailable, match="limit of 3 s"):
            remote_rewrite.check_standard(query, checker=checker)
        assert time.monotonic() - started < 30
        remote_rewrite.check_standard("ASK { ?s ?p ?o }", checker=checker)  # a new process
        with pytest.raises(BadRequest, match="federation is off"):
            remote_rewrite.check_standard("PREFIX ex: <http://x/> ASK { ?s ?p ex:.SERVICE "
                                          "<http://127.0.0.1:9/> {} }", checker=checker)
    finally:
        checker.close()
    with pytest.raises(SyntaxError):  # and syntax errors show with the engine's message
        remote_rewrite.check_standard("SELECT * WHERE { VALUES ?a { 1 } FILTER(?a >) }")
