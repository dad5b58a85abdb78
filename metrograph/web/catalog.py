"""Search, self-description and downloads: ``/search``, ``/.well-known/void``,
``/.well-known/sparql-examples``, ``/sitemap.xml``, ``/robots.txt``, ``/shacl-report``,
``/dumps/``.

Everything here is read from files the build wrote into the release folder (the search index,
VoID/DCAT, the examples, the SHACL report, the dumps); each is opened or parsed once per
process. Responses are read-only, carry ``ETag`` (304 on ``If-None-Match``), ``Cache-Control``,
``Vary: Accept`` where negotiated and ``Access-Control-Allow-Origin: *``; bad parameters get a
plain-text 400.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape as xml_escape

from flask import Blueprint, Flask, Response, current_app, redirect, render_template, request, send_file

from metrograph.build import dumps as dump_files
from metrograph.build import self_description
from metrograph.config import public_url
from metrograph.errors import BadRequest, NotAcceptable, NotFound, ServiceUnavailable
from metrograph.sparql import negotiate
from metrograph.sparql.engine import cache_key_digest
from metrograph.store import label_search
from metrograph.web.http import conditional, cors
from metrograph.web.state import per_release

bp = Blueprint("catalog", __name__, template_folder="../templates")

HTML, JSON = "text/html", "application/json"
#: RDF media types of the self-description documents, in the server's order of preference.
RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld",
             "application/rdf+xml": "xml", "application/n-triples": "nt"}
RDF_NAMES = {"ttl": "text/turtle", "turtle": "text/turtle", "jsonld": "application/ld+json",
             "json-ld": "application/ld+json", "rdf": "application/rdf+xml",
             "xml": "application/rdf+xml", "nt": "application/n-triples",
             "html": HTML, "json": JSON}
DEFAULT_LIMIT = 20
#: Sitemaps hold at most 50,000 URLs (sitemaps.org); beyond that an index points to parts.
SITEMAP_MAX_URLS = 50_000
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"



def _state() -> Any:
    return current_app.extensions["metrograph"]


_cached = per_release


def _release_file(name: str) -> Path:
    path = _state().release.path / name
    if not path.is_file():
        raise ServiceUnavailable(
            f"release {_state().release.id} has no {name}; it was built by an older version: "
            "remove its folder under releases/ and build again", {"Retry-After": "3600"})
    return path


def _index() -> label_search.SearchIndex:
    path = _release_file(label_search.INDEX_FILENAME)
    return _cached("search", lambda: label_search.SearchIndex(path))


def _language() -> str:
    from metrograph.web.resources import page_language

    return page_language()


def _layout(lang: str, path: str, keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """What the shared page layout (base.html) needs."""
    from metrograph.web.resources import page_layout

    return page_layout(lang, path, keep)


def _choose(offered: list[str], names: dict[str, str], what: str) -> str:
    """``format=`` (first usable value) overrides ``Accept``; 406 when nothing fits."""
    formats = [v for v in request.args.getlist("format") if v.strip()]
    if formats:
        for value in formats:
            chosen = negotiate.by_parameter(value, names, offered)
            if chosen is not None:
                return chosen
        raise NotAcceptable(f"format={formats[0]} is not available for {what}; available: "
                            + ", ".join(offered))
    chosen = negotiate.choose(request.headers.get("Accept"), offered)
    if chosen is None:
        raise NotAcceptable(f"none of the types in Accept is available for {what}; "
                            "available: " + ", ".join(offered))
    return chosen


def _typed(body: str | bytes, media_type: str) -> Response:
    charset = "; charset=utf-8" if media_type.startswith("text/") or media_type == JSON else ""
    return Response(body, content_type=media_type + charset)


# --- search -------------------------------------------------------------------------------------

def _search_params() -> tuple[str, int, str | None]:
    queries = request.args.getlist("q")
    if len(queries) > 1:
        raise BadRequest("give q once")
    query = (queries[0] if queries else "").strip()
    if len(query) > label_search.MAX_QUERY_CHARS:
        raise BadRequest(f"q is longer than {label_search.MAX_QUERY_CHARS} characters")
    raw_limit = request.args.get("limit", "").strip() or str(DEFAULT_LIMIT)
    if not re.fullmatch(r"[0-9]{1,3}", raw_limit) or not 1 <= int(raw_limit) <= label_search.MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {label_search.MAX_LIMIT}")
    raw_kind = request.args.get("type", "").strip()
    kind = label_search.resolve_kind(raw_kind) if raw_kind else None
    if kind is not None and kind not in label_search.KIND_RANK:
        raise BadRequest(f"type must be one of {', '.join(k for k, _, _ in label_search.KINDS)}")
    return query, int(raw_limit), kind


def _search(media_type: str, negotiated: bool) -> Response:
    query, limit, kind = _search_params()
    state = _state()
    lang = _language() if media_type == HTML else "de"
    if media_type == JSON and not query:
        raise BadRequest("q is required: /search.json?q=…[&limit=1-100][&type=kreis]")
    etag = cache_key_digest(state.release.id, "search", query, limit, kind, media_type, lang)

    def build() -> Response:
        hits = _index().search(query, limit, kind) if query else []
        if media_type == JSON:
            body = json.dumps({"query": query, "type": kind, "limit": limit,
                               "release": state.release.id,
                               "results": [h.as_json() for h in hits]}, ensure_ascii=False)
            return _typed(body, JSON)
        kinds = [(name, german if lang == "de" else english)
                 for name, german, english in label_search.KINDS]
        html = render_template("search.html", query=query, hits=hits, kind=kind, kinds=kinds,
                               limit=limit, json_url="/search.json?" + urlencode(
                                   {k: v for k, v in (("q", query), ("type", kind)) if v}),
                               **_layout(lang, "/search", keep=("q", "type", "limit")))
        return _typed(html, HTML)

    vary = ["Accept"] if negotiated else []
    if media_type == HTML and "lang" not in request.args:
        vary.append("Accept-Language")
    return conditional(etag, build, vary=vary)


@bp.route("/search", methods=["GET", "HEAD"])
def search_page() -> Response:
    media_type = _choose([HTML, JSON], {"html": HTML, "json": JSON}, "search")
    return _search(media_type, negotiated=True)


@bp.route("/search.json", methods=["GET", "HEAD"])
def search_json() -> Response:
    return _search(JSON, negotiated=False)


# --- RDF documents ------------------------------------------------------------------------------

def _graph(filename: str) -> Any:
    path = _release_file(filename)

    def parse() -> Any:
        from rdflib import Graph

        return Graph().parse(path, format="turtle")

    return _cached("graph:" + filename, parse)


def _rdf_document(filename: str, what: str, html: Callable[[], Response] | None = None,
                  fixed: str | None = None) -> Response:
    """A build-time Turtle file, or its conversion to the negotiated RDF format."""
    state = _state()
    offered = [*RDF_TYPES, *([HTML] if html else [])]
    media_type = fixed or _choose(offered, RDF_NAMES, what)
    etag = cache_key_digest(state.release.id, filename, media_type)

    def build() -> Response:
        if media_type == HTML and html is not None:
            return html()
        if media_type == "text/turtle":
            return _typed(_release_file(filename).read_bytes(), media_type)
        body = _cached(f"{filename}:{media_type}", lambda: _graph(filename).serialize(
            format=RDF_TYPES[media_type], encoding="utf-8"))
        return _typed(body, media_type)

    return conditional(etag, build, vary=[] if fixed else ["Accept"])


@bp.route("/.well-known/void", methods=["GET", "HEAD"])
def void() -> Response:
    return _rdf_document(self_description.VOID_FILENAME, "the VoID description")


@bp.route("/.well-known/sparql-examples", methods=["GET", "HEAD"])
def sparql_examples() -> Response:
    return _rdf_document(self_description.EXAMPLES_FILENAME, "the SPARQL examples")


# --- SHACL report -------------------------------------------------------------------------------

SHACL_REPORT = "shacl-report.ttl"


def _report_rows() -> tuple[bool, list[dict[str, str]]]:
    from rdflib import Namespace
    from rdflib.namespace import RDF

    sh = Namespace("http://www.w3.org/ns/shacl#")
    graph = _graph(SHACL_REPORT)
    conforms = all(bool(o.toPython()) for o in graph.objects(None, sh.conforms))
    rows = []
    for result in graph.subjects(RDF.type, sh.ValidationResult):
        def one(p: Any, result: Any = result) -> str:
            value = graph.value(result, p)
            return "" if value is None else str(value)
        rows.append({"severity": one(sh.resultSeverity).rsplit("#", 1)[-1],
                     "focus": one(sh.focusNode), "path": one(sh.resultPath),
                     "message": one(sh.resultMessage), "shape": one(sh.sourceShape),
                     "component": one(sh.sourceConstraintComponent).rsplit("#", 1)[-1],
                     "value": one(sh.value)})
    rows.sort(key=lambda r: (r["severity"], r["focus"], r["path"], r["message"]))
    return conforms, rows


def _report_page() -> Response:
    lang = _language()
    state = _state()
    base = state.settings["base_iri"]
    conforms, rows = _cached("shacl-rows", _report_rows)
    for row in rows:
        row["href"] = label_search.page_path(row["focus"], base) if row["focus"].startswith(base) \
            else ""
    html = render_template("shacl_report.html", conforms=conforms, rows=rows,
                           release_id=state.release.id, built_at=state.release.meta.get(
                               "built_at", ""), **_layout(lang, "/shacl-report"))
    return _typed(html, HTML)


@bp.route("/shacl-report", methods=["GET", "HEAD"])
def shacl_report() -> Response:
    return _rdf_document(SHACL_REPORT, "the SHACL report", html=_report_page)


@bp.route("/shacl-report.ttl", methods=["GET", "HEAD"])
def shacl_report_turtle() -> Response:
    return _rdf_document(SHACL_REPORT, "the SHACL report", fixed="text/turtle")


# --- sitemap and robots.txt ---------------------------------------------------------------------

def _sitemap_urls() -> list[str]:
    base = _state().settings["base_iri"]
    return ["/", "/sparql", "/search", "/dumps/",
            *(label_search.page_path(iri, base) for iri in _index().pages())]


def _xml(body: str) -> Response:
    return Response(body, content_type="application/xml; charset=utf-8")


@bp.route("/sitemap.xml", methods=["GET", "HEAD"])
def sitemap() -> Response:
    state = _state()
    root = public_url(_state().settings).rstrip("/")
    etag = cache_key_digest(state.release.id, "sitemap", root)
    lastmod = str(state.release.meta.get("built_at", ""))[:10]

    def build() -> Response:
        urls = _cached("sitemap-urls", _sitemap_urls)
        if len(urls) <= SITEMAP_MAX_URLS:
            return _xml(_urlset(root, urls, lastmod))
        parts = (len(urls) + SITEMAP_MAX_URLS - 1) // SITEMAP_MAX_URLS
        entries = "".join(
            f"<sitemap><loc>{xml_escape(f'{root}/sitemap-{n}.xml')}</loc>"
            f"<lastmod>{lastmod}</lastmod></sitemap>\n" for n in range(1, parts + 1))
        return _xml('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                    f"{entries}</sitemapindex>\n")

    return conditional(etag, build, vary=())


@bp.route("/sitemap-<int:part>.xml", methods=["GET", "HEAD"])
def sitemap_part(part: int) -> Response:
    state = _state()
    root = public_url(_state().settings).rstrip("/")
    urls = _cached("sitemap-urls", _sitemap_urls)
    chunk = urls[(part - 1) * SITEMAP_MAX_URLS: part * SITEMAP_MAX_URLS] if part >= 1 else []
    if len(urls) <= SITEMAP_MAX_URLS or not chunk:
        raise NotFound(f"there is no sitemap part {part}; see /sitemap.xml")
    etag = cache_key_digest(state.release.id, "sitemap", root, part)
    lastmod = str(state.release.meta.get("built_at", ""))[:10]
    return conditional(etag, lambda: _xml(_urlset(root, chunk, lastmod)), vary=())


def _urlset(root: str, paths: list[str], lastmod: str) -> str:
    entries = "".join(f"<url><loc>{xml_escape(root + p)}</loc><lastmod>{lastmod}</lastmod>"
                      "</url>\n" for p in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{entries}</urlset>\n")


# Disallow lines first: some parsers take the first matching line, others the longest.
ROBOTS = """# metrograph: pages and dumps are welcome; please do not crawl query URLs.
User-agent: *
Disallow: /sparql?
Disallow: /search?
Disallow: /search.json
Disallow: /*?date=
Disallow: /*?rel=
Allow: /

Sitemap: {root}/sitemap.xml
"""


@bp.route("/robots.txt", methods=["GET", "HEAD"])
def robots() -> Response:
    root = public_url(_state().settings).rstrip("/")
    etag = cache_key_digest("robots", root)
    return conditional(etag, lambda: Response(ROBOTS.format(root=root),
                                              content_type="text/plain; charset=utf-8"),
                       vary=())


# --- dumps --------------------------------------------------------------------------------------

def _dumps() -> list[dump_files.Dump]:
    release = _state().release
    found = _cached("dumps", lambda: dump_files.read_dumps(release.path))
    if not found:
        _release_file(f"{dump_files.DUMPS_DIRNAME}/{dump_files.INDEX_FILENAME}")
    return found


def _dumps_page() -> Response:
    lang = _language()
    state = _state()
    html = render_template("dumps.html", dumps=_dumps(), release_id=state.release.id,
                           built_at=state.release.meta.get("built_at", ""),
                           quads=state.release.meta.get("quads"),
                           **_layout(lang, "/dumps/"))
    return _typed(html, HTML)


@bp.route("/dumps/", methods=["GET", "HEAD"])
def dumps_listing() -> Response:
    _dumps()
    return _rdf_document(self_description.DCAT_FILENAME, "the dump listing", html=_dumps_page)


@bp.route("/dumps/<name>", methods=["GET", "HEAD"])
def dump_file(name: str) -> Response:
    state = _state()
    known = {d.name: d for d in _dumps()}
    aliases = {d.alias: d for d in known.values()}
    if name in aliases:
        response = redirect("/dumps/" + aliases[name].name, code=302)
        response.headers["Cache-Control"] = "no-cache"
        return cors(response)
    if name == dump_files.SUMS_FILENAME:
        media_type, cache, attachment = "text/plain; charset=utf-8", SHORT, False
    elif name in known:
        media_type, cache, attachment = "application/gzip", IMMUTABLE, True
    else:
        raise NotFound(f"no dump {name} in release {state.release.id}; see /dumps/")
    path = _release_file(f"{dump_files.DUMPS_DIRNAME}/{name}")
    etag = f"{state.release.id}-{name}"
    if request.if_none_match.contains(etag):  # answered before the file is opened
        response = Response(status=304)
        response.set_etag(etag)
    else:  # send_file handles Range and If-Range as well
        response = send_file(path, mimetype=media_type, as_attachment=attachment,
                             download_name=name, etag=etag, conditional=True, max_age=None)
    response.headers["Cache-Control"] = cache
    response.headers.pop("Content-Encoding", None)
    return cors(response)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
