"""A real server (gunicorn via ``metrograph.serving``) on 127.0.0.1, used by unmodified clients.

SPARQLWrapper and rdflib's SPARQLStore talk to it over TCP; a cartesian product is stopped at the
time limit while another client is answered; a SERVICE query reaches nothing.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import rdflib
from servers import start_server
from sparql_fixtures import BASE, GRAPH_B, ITEMS, TEST_LIMITS, TRICKY, make_release
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

pytestmark = pytest.mark.server
SPECIAL = BASE + "id/test/special"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("server-var")
    make_release(var_dir)
    url, stop = start_server(var_dir, {**TEST_LIMITS, "base_iri": BASE, "workers": 2},
                             timeout=60)
    yield url + "/sparql"
    stop()


def wrapper(url: str, query: str, fmt=JSON, method=None) -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    return client


def test_sparqlwrapper_select_json_get_and_post(server):
    query = f"SELECT ?label WHERE {{ <{SPECIAL}> rdfs:label ?label }}"
    for method in (None, POST):
        data = wrapper(server, query, JSON, method).query().convert()
        assert [b["label"]["value"] for b in data["results"]["bindings"]] == [TRICKY]


def test_sparqlwrapper_select_xml_and_ask(server):
    document = wrapper(server, "SELECT ?s { ?s a ?t } LIMIT 3", XML).query().convert()
    assert len(document.getElementsByTagName("result")) == 3
    assert wrapper(server, "ASK { ?s ?p ?o }", JSON).query().convert()["boolean"] is True


# SPARQLWrapper itself still builds rdflib ConjunctiveGraphs for RDF/XML and JSON-LD
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD, N3, XML])
def test_sparqlwrapper_construct(server, fmt):
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH_B}> {{ ?s ?p ?o }} }}"
    data = wrapper(server, query, fmt).query().convert()
    if not isinstance(data, rdflib.Graph):  # SPARQLWrapper parses some formats itself
        data = rdflib.Graph().parse(data=data, format="json-ld" if fmt == JSONLD else "turtle")
    assert len(data) == 4


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_sparqlwrapper_select_tabular(server, fmt):
    data = wrapper(server, "SELECT ?s { ?s a ?t } ORDER BY ?s LIMIT 2", fmt).query().convert()
    lines = data.decode().strip().splitlines()
    assert len(lines) == 3 and lines[0].strip() in {"s", "?s"}


def test_sparqlwrapper_sees_a_syntax_error_as_bad_query(server):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed, match="line 1, column"):
        wrapper(server, "SELECT * WHERE { ?s ?p }").query()


def test_rdflib_sparqlstore(server):
    graph = rdflib.Graph(store="SPARQLStore")
    graph.open(server)
    rows = list(graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert int(rows[0][0]) == 2 * ITEMS + 4
    label = rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    assert str(graph.value(rdflib.URIRef(SPECIAL), label)) == TRICKY
    constructed = graph.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH_B}> {{ ?s ?p ?o }} }}")
    assert len(constructed.graph) == 4
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    graph.close()


def test_cartesian_product_is_stopped_while_another_client_is_answered(server):
    outcome: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        try:
            urllib.request.urlopen(server + "?query=" + urllib.request.quote(CARTESIAN),
                                   timeout=60)
        except urllib.error.HTTPError as exc:
            outcome["status"] = exc.code
            outcome["retry_after"] = exc.headers.get("Retry-After")
            exc.close()
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    answered = wrapper(server, "ASK { ?s a ?t } # meanwhile", JSON).query().convert()
    outcome["answered_while_slow_ran"] = thread.is_alive()
    thread.join()
    assert answered["boolean"] is True
    assert outcome["answered_while_slow_ran"] is True
    assert outcome["status"] == 503
    assert str(outcome["retry_after"]).isdigit()
    assert outcome["seconds"] < TEST_LIMITS["query_timeout"] + 10
    # and the server keeps serving afterwards
    assert wrapper(server, "ASK { ?s ?p ?o } # after", JSON).query().convert()["boolean"]


def test_service_reaches_nothing(server):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(3)
    port = listener.getsockname()[1]
    queries = [
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        f"PREFIX : <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}",
        f"SELECT * {{ \\u0053ERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    ]
    statuses = []
    for query in queries:
        request = urllib.request.Request(
            server, data=query.encode(), headers={"Content-Type": "application/sparql-query"})
        try:
            urllib.request.urlopen(request, timeout=30)
            statuses.append(200)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)
            exc.close()
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()
    assert statuses == [400, 400, 400]


def test_service_description_and_headers_over_http(server):
    request = urllib.request.Request(server, headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        assert response.headers["Vary"] == "Accept"
    graph = rdflib.Graph().parse(data=body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.endpoint, rdflib.URIRef(server)) in graph
    with urllib.request.urlopen(server + "?query=ASK%7B%7D", timeout=30) as response:
        etag = response.headers["ETag"]
        assert json.loads(response.read())["boolean"] is True
    request = urllib.request.Request(server + "?query=ASK%7B%7D",
                                     headers={"If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=30)
    assert info.value.code == 304
    info.value.close()


def test_long_get_query_is_not_cut_by_the_http_server(server):
    """A GET query within max_query_bytes but with a request line over gunicorn's default
    limits (4094, at most 8190) reaches the endpoint instead of an HTML 414."""
    query = "SELECT * WHERE { VALUES ?x { 1 } } # " + "ä" * 1500
    assert len(query.encode()) < TEST_LIMITS["max_query_bytes"]
    url = server + "?" + urllib.parse.urlencode({"query": query})
    assert len(url) > 8190
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        assert json.loads(response.read())["results"]["bindings"] == [
            {"x": {"type": "literal", "value": "1",
                   "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]
