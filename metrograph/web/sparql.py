"""``/sparql``: the SPARQL 1.1 Protocol endpoint, its service description and its query page.

The protocol rules live in :mod:`metrograph.sparql.protocol`, negotiation in
:mod:`metrograph.sparql.negotiate`, execution in :mod:`metrograph.sparql.engine`; this module
wires them to HTTP: methods, CORS, ``ETag`` and ``304``, ``Cache-Control``, ``Vary: Accept``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for

from metrograph.config import public_url
from metrograph.errors import (
    BadRequest,
    DataError,
    NotAcceptable,
    PayloadTooLarge,
)
from metrograph.i18n.text import QUERY_PAGE as PAGE_TEXT
from metrograph.sparql import negotiate, protocol
from metrograph.sparql.engine import Engine, cache_key_digest
from metrograph.sparql.formats import BOOLEAN_FORMATS, FORMATS, GRAPH_FORMATS, RESULT_FORMATS, Format
from metrograph.store import point_lookups
from metrograph.web.http import CACHE_CONTROL as CACHE_CONTROL
from metrograph.web.http import conditional as _conditional
from metrograph.web.http import cors as _cors
from metrograph.web.resources import page_language, page_layout, resources
from metrograph.web.security import read_body

bp = Blueprint("sparql", __name__, template_folder="../templates",
               static_folder="../static", static_url_path="/sparql-assets")

ALLOW = "GET, HEAD, POST, OPTIONS"
HTML = "text/html"
#: Media types of the service description, in the server's order of preference.
DESCRIPTION_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}
DESCRIPTION_NAMES = {"ttl": "text/turtle", "turtle": "text/turtle",
                     "jsonld": "application/ld+json", "json-ld": "application/ld+json",
                     "rdf": "application/rdf+xml", "xml": "application/rdf+xml",
                     "nt": "application/n-triples", "html": HTML}
#: ``format=`` names per result kind: our short names, media types, and the spellings clients
#: such as SPARQLWrapper send (``turtle``, ``json-ld``, ``rdf+xml``; ``json``/``xml`` for graphs).
RESULT_NAMES = {f.name: f.media_type for f in RESULT_FORMATS} | {
    "srj": "application/sparql-results+json", "srx": "application/sparql-results+xml",
    "html": HTML}
GRAPH_NAMES = {f.name: f.media_type for f in GRAPH_FORMATS} | {
    "turtle": "text/turtle", "n3": "text/turtle", "ntriples": "application/n-triples",
    "n-triples": "application/n-triples", "json-ld": "application/ld+json",
    "json": "application/ld+json", "rdf+xml": "application/rdf+xml",
    "rdfxml": "application/rdf+xml", "xml": "application/rdf+xml",
    "nquads": "application/n-quads", "n-quads": "application/n-quads", "html": HTML}


def _state() -> Any:
    return current_app.extensions["metrograph"]


def _refuse_bad_utf8(query_string: bytes) -> None:
    """Percent-escapes must decode as UTF-8 (werkzeug would keep U+FFFD in their place)."""
    try:
        unquote_to_bytes(query_string.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the URL's parameters are not valid UTF-8 after percent-decoding "
                         f"({exc.reason} at byte {exc.start}); encode the query as UTF-8") from None


def _read_body(limit: int) -> bytes:
    """The request body, refusing (413) anything longer than a query can be."""
    # a url-encoded query can be three times its own size, plus the other fields
    cap = 3 * limit + 4096
    if request.content_length is not None and request.content_length > cap:
        raise PayloadTooLarge(f"the request body has {request.content_length} bytes; queries "
                              f"are limited to {limit} bytes")
    data = read_body(cap + 1)
    if len(data) > cap:
        raise PayloadTooLarge(f"the request body is larger than {cap} bytes; queries are "
                              f"limited to {limit} bytes")
    return data


@bp.route("/sparql", methods=["GET", "HEAD", "POST", "OPTIONS"])
def endpoint() -> Response:
    if request.method == "OPTIONS":
        response = _cors(Response(status=204, content_type="text/plain"))
        response.headers["Allow"] = ALLOW
        response.headers["Access-Control-Allow-Methods"] = ALLOW
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
        return response
    # any other method never gets here: werkzeug answers 405 with "Allow: GET, HEAD, POST,
    # OPTIONS" (web/errors.py keeps that header)
    settings = _state().settings
    _refuse_bad_utf8(request.query_string)
    body = _read_body(settings["max_query_bytes"]) if request.method == "POST" else b""
    parsed = protocol.parse_request(request.method, request.headers.get("Content-Type"),
                                  request.args.items(multi=True), body,
                                  settings["max_query_bytes"])
    if parsed is None:
        return _describe()
    return _answer(parsed)


def _offers(form: str | None) -> list[Format]:
    if form == "ASK":
        return [f for f in RESULT_FORMATS if f.name in BOOLEAN_FORMATS]
    if form == "SELECT":
        return list(RESULT_FORMATS)
    if form in {"CONSTRUCT", "DESCRIBE"}:
        return list(GRAPH_FORMATS)
    return []


def _negotiate(offered: list[str], format_params: tuple[str, ...], names: dict[str, str],
               what: str) -> str:
    """``format=`` first (the first value that names an offered type), then ``Accept``."""
    if format_params:
        for value in format_params:
            chosen = negotiate.by_parameter(value, names, offered)
            if chosen is not None:
                return chosen
        raise NotAcceptable(f"format={format_params[0]} is not available for {what}; "
                            f"available: {', '.join(_distinct(offered, names))}")
    chosen = negotiate.choose(request.headers.get("Accept"), offered)
    if chosen is None:
        raise NotAcceptable(f"none of the types in Accept is available for {what}; "
                            f"available: {', '.join(offered)}")
    return chosen


def _distinct(offered: list[str], names: dict[str, str]) -> list[str]:
    """One short name per offered media type, in the server's order."""
    seen: set[str] = set()
    short = []
    for name, media_type in names.items():
        if media_type in offered and media_type not in seen:
            seen.add(media_type)
            short.append(name)
    return short


def _answer(parsed: protocol.ParsedRequest) -> Response:
    state = _state()
    engine: Engine = state.engine
    form = protocol.query_form(parsed.query)
    formats = _offers(form)
    by_type = {m: f for f in formats for m in f.media_types}
    offered = [*by_type, HTML] if form else [HTML]
    what = f"a {form} query" if form else "this request"
    if form:
        names = GRAPH_NAMES if form in {"CONSTRUCT", "DESCRIBE"} else RESULT_NAMES
        media_type = _negotiate(offered, parsed.formats, names, what)
    else:  # not a query at all: let the engine report the syntax error
        media_type = FORMATS["json"].media_type
        by_type = {media_type: FORMATS["json"]}
    if media_type == HTML:
        return _page(parsed.query, autorun=True)
    fmt = by_type[media_type]
    dataset = (parsed.default_graphs, parsed.named_graphs) if parsed.has_dataset else None
    etag = cache_key_digest(state.release.id, parsed.query, dataset, media_type)

    def run() -> Response:
        result = _point_lookup(parsed.query, fmt) if form == "DESCRIBE" and not dataset \
            else None
        result = result or engine.execute(
            parsed.query,
            default_graphs=parsed.default_graphs if dataset else None,
            named_graphs=parsed.named_graphs if dataset else None,
            results_format=fmt.name if fmt.kind == "results" else None,
            graph_format=fmt.name if fmt.kind == "graph" else None,
        )
        content_type = media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")
        response = Response(result.body, status=200, content_type=content_type)
        response.headers["Content-Disposition"] = f'inline; filename="result.{fmt.extension}"'
        return response

    return _conditional(etag, run)


def _point_lookup(query: str, fmt: Format) -> Any:
    """``DESCRIBE <iri>`` from this process's read-only store (metrograph/store/point_lookups.py)."""
    return point_lookups.describe(_state().engine, resources().store, query, fmt.name)


# --- self-description ---------------------------------------------------------------------------

def _describe() -> Response:
    state = _state()
    offered = [*DESCRIPTION_TYPES, HTML]
    formats = tuple(v for v in request.args.getlist("format") if v.strip())
    media_type = _negotiate(offered, formats, DESCRIPTION_NAMES, "the service description")
    lang = page_language() if media_type == HTML else ""
    etag = cache_key_digest(state.release.id, "service-description", media_type,
                            public_url(state.settings), lang)
    if media_type == HTML:
        return _conditional(etag, lambda: _page("", autorun=False),
                            vary=("Accept", "Accept-Language"))

    def run() -> Response:
        graph = service_description(public_url(state.settings) + "sparql", state.engine,
                                    state.settings)
        body = graph.serialize(format=DESCRIPTION_TYPES[media_type], encoding="utf-8")
        content_type = media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")
        return Response(body, content_type=content_type)

    return _conditional(etag, run)


def _named_graphs(engine: Engine) -> list[tuple[str, int]]:
    result = engine.execute(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    rows = json.loads(result.body)["results"]["bindings"]
    return [(row["g"]["value"], int(row["n"]["value"])) for row in rows]


def service_description(endpoint_url: str, engine: Engine, settings: dict[str, Any]) -> Any:
    """The SPARQL 1.1 Service Description of this endpoint, as an rdflib Graph."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, RDF, XSD

    from metrograph.model.namespaces import SD, VOID, dataset_iri

    formats_ns = "http://www.w3.org/ns/formats/"
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("dct", DCTERMS)
    service = URIRef(endpoint_url + "#service")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint_url)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    g.add((service, SD.defaultEntailmentRegime,
           URIRef("http://www.w3.org/ns/entailment/Simple")))
    for fmt in FORMATS.values():
        g.add((service, SD.resultFormat, URIRef(formats_ns + fmt.w3c)))
    g.add((service, DCTERMS.title, Literal("metrograph SPARQL endpoint", lang="en")))
    g.add((service, DCTERMS.description, Literal(
        "Read-only SPARQL 1.1 Query endpoint. The default graph is the union of all named "
        "graphs (one per source document). SERVICE and SPARQL Update are refused. Limits: "
        f"{settings['query_timeout']:g} s per query, {settings['max_result_rows']} result rows, "
        f"{settings['max_result_bytes']} result bytes, {settings['max_query_bytes']} query "
        "bytes.", lang="en")))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, DCTERMS.source, dataset_iri(settings["base_iri"])))
    default_graph = BNode()
    g.add((dataset, SD.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SD.Graph))
    total = 0
    for name, count in _named_graphs(engine):
        named, graph_node = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph_node))
        g.add((graph_node, RDF.type, SD.Graph))
        g.add((graph_node, VOID.triples, Literal(count, datatype=XSD.integer)))
        total += count
    g.add((default_graph, VOID.triples, Literal(total, datatype=XSD.integer)))
    return g


# --- the query page -----------------------------------------------------------------------------

def _examples(project_dir: str, lang: str) -> list[dict[str, str]]:
    try:
        from metrograph.build.inputs import read_queries

        examples = []
        for q in read_queries(Path(project_dir)):
            description, description_lang = q.description_in(lang)
            examples.append({"name": q.name, "title": q.title, "description": description,
                             "description_lang": description_lang, "text": q.text})
        return examples
    except (ImportError, OSError, DataError) as exc:
        current_app.logger.warning("example queries unavailable: %s", exc)
        return []




def _page(query: str, autorun: bool) -> Response:
    state = _state()
    settings = state.settings
    lang = page_language()
    html = render_template(
        "sparql.html", **page_layout(lang), s=PAGE_TEXT[lang],
        result_formats=RESULT_FORMATS, graph_formats=GRAPH_FORMATS,
        endpoint=url_for("sparql.endpoint"),
        query=query,
        autorun=autorun,
        examples=_examples(settings["project_dir"], lang),
        release_id=state.release.id,
        limits={
            "timeout": f"{settings['query_timeout']:g}",
            "rows": settings["max_result_rows"],
            "bytes": settings["max_result_bytes"],
            "query_bytes": settings["max_query_bytes"],
        },
        downloads=[(f.name, f.media_type) for f in (*RESULT_FORMATS, *GRAPH_FORMATS)],
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    if "lang" not in request.args:
        response.vary.add("Accept-Language")
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
