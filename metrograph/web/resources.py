"""Dereferencing of every IRI we mint, entity pages, the ontology documentation, the home page.

``/X`` answers for the IRI ``<base>X`` (``id/…``, ``source/…``, ``graph/…``, ``ontology``,
``ontology/…``, ``dataset``): ``200`` with content negotiation (no 303), ``Vary: Accept``,
``Content-Location`` naming the document URL (``/X.ttl``, ``/X.jsonld``, ``/X.nt``,
``/X.rdf``, ``/X.html``) and a ``Link: …; rel="alternate"`` per format. Unknown IRIs: 404;
paths that cannot name anything (``..``, encoded slashes, overlong, not UTF-8): 400.
The view model lives in :mod:`metrograph.pages.entity_page`; this module only speaks HTTP.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urlencode

from flask import Blueprint, Flask, Response, current_app, render_template, request

from metrograph.errors import BadRequest, NotAcceptable, NotFound
from metrograph.i18n.text import PAGES as TEXT
from metrograph.model.iri_paths import BadPath, iri_for_path, path_for_iri
from metrograph.model.validity import parse_day
from metrograph.pages.entity_page import PAGE_SIZE, Resources
from metrograph.pages.params import checked_iri, whole_number
from metrograph.pages.rdf_description import DOCUMENT_FORMATS
from metrograph.pages.schema_org import schema_json
from metrograph.sparql import negotiate
from metrograph.sparql.engine import cache_key_digest
from metrograph.web.http import conditional

bp = Blueprint("resources", __name__, template_folder="../templates")

#: Media types offered at an IRI, in the server's order of preference (ties, no Accept),
#: then the aliases clients send; each maps to a document suffix.
OFFERED: dict[str, str] = {
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "application/rdf+xml": "rdf",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/x-turtle": "ttl",
    "application/json": "jsonld",
    "application/xml": "rdf",
    "text/xml": "rdf",
}
FORMAT_NAMES = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdf": "RDF/XML",
                "html": "HTML"}
LANGUAGES = ("de", "en")


_lock = threading.Lock()


def _state() -> Any:
    return current_app.extensions["metrograph"]


def resources() -> Resources:
    """The lookups of this process: the release's store opened read-only, once per process."""
    state = _state()
    holder: dict = current_app.extensions.setdefault("metrograph.resources", {})
    key = (os.getpid(), state.release.id)
    with _lock:
        found = holder.get(key)
        if found is None:
            holder.clear()  # a release or process (fork) change: never share a handle
            found = Resources(state.lookups(), state.settings["base_iri"], state.release.id)
            holder[key] = found
    return found


# --- request checks ------------------------------------------------------------------------------

def _check_raw_path() -> None:
    """Refuse what the decoded path hides: encoded slashes/backslashes, undecodable bytes."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    raw_path = raw.split("?", 1)[0]
    lowered = raw_path.lower()
    if "%2f" in lowered or "%5c" in lowered:
        raise BadRequest("encoded slashes are not allowed in resource paths")
    if "%00" in lowered:
        raise BadRequest("the path holds a NUL byte")
    try:
        unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the path is not valid UTF-8") from None


def _resolve(path: str) -> tuple[str, str | None]:
    """The IRI a path names and the document suffix if one was given; 400/404 otherwise."""
    res = resources()
    base = _state().settings["base_iri"]
    candidates: list[tuple[str, str | None]] = [(path, None)]
    for ext in DOCUMENT_FORMATS:
        if path.endswith("." + ext):
            candidates.append((path[: -len(ext) - 1], ext))
    for candidate, ext in candidates:
        try:
            iri = iri_for_path(base, candidate)
        except BadPath as exc:
            raise BadRequest(str(exc)) from None
        if iri is not None and res.kind(iri) is not None:
            return iri, ext
    raise NotFound(f"nothing is known about {base}{path.lstrip('/')} in this release")


def page_language(strict: bool = True) -> str:
    """The page language: ``?lang=`` (400 if unknown, or ignored when not ``strict``), else
    Accept-Language, else German."""
    wanted = request.args.get("lang")
    if wanted in LANGUAGES:
        return wanted
    if wanted and strict:
        raise BadRequest(f"lang must be one of {', '.join(LANGUAGES)}")
    return request.accept_languages.best_match(LANGUAGES, default="de") or "de"


def page_layout(lang: str, path: str | None = None,
                keep: Iterable[str] | None = None) -> dict[str, Any]:
    """What the shared layout (base.html) needs: the words, the other language and the link to
    this page in it (keeping the ``keep`` parameters, or all of them)."""
    other = "en" if lang == "de" else "de"
    args = {k: v for k, v in request.args.items()
            if k != "lang" and (keep is None or k in keep)}
    args["lang"] = other
    return {"lang": lang, "t": TEXT[lang], "other_lang": other,
            "switch_url": (path or request.path) + "?" + urlencode(args),
            "base_iri": _state().settings["base_iri"]}


_language = page_language


def _date() -> str | None:
    return parse_day(request.args.get("date"))


def _page() -> int:
    return whole_number(request.args.get("page"), "page", 1, 999_999, 1)


# --- responses ---------------------------------------------------------------------------------

def _links(path: str) -> str:
    return ", ".join(f'<{quote(path)}.{ext}>; rel="alternate"; type="{media}"'
                     for ext, media in DOCUMENT_FORMATS.items())


def _document_response(iri: str, path: str, ext: str, negotiated: bool) -> Response:
    state = _state()
    lang = _language() if ext == "html" else None
    date = _date() if ext == "html" else None
    page = _page() if ext == "html" else 1
    rel = request.args.get("rel") if ext == "html" else None
    kind = request.args.get("type") if ext == "html" else None
    if kind is not None:
        kind = checked_iri(kind, "type")
    etag = cache_key_digest(state.release.id, "resource", iri, ext, lang, date, page, rel,
                            kind, negotiated)
    vary = ["Accept"] if negotiated else []
    if ext == "html" and "lang" not in request.args:
        vary.append("Accept-Language")

    def build() -> Response:
        res = resources()
        if ext == "html":
            body = _html(res, iri, path, lang or "de", date, page, rel, kind)
            response = Response(body, content_type="text/html; charset=utf-8")
        else:
            media = DOCUMENT_FORMATS[ext]
            content_type = media + ("; charset=utf-8" if media.startswith("text/") else "")
            response = Response(res.serialize(iri, ext), content_type=content_type)
        return response

    response = conditional(etag, build, vary=vary)
    location = f"{quote(path)}.{ext}"
    if ext == "html" and request.query_string:
        location += "?" + request.query_string.decode("latin-1")
    response.headers["Content-Location"] = location
    response.headers["Link"] = _links(path)
    return response


def _page_url(path: str, **changes: Any) -> str:
    args = {k: v for k, v in request.args.items() if k in {"lang", "date", "page", "rel", "type"}}
    args.update({k: v for k, v in changes.items()})
    args = {k: v for k, v in args.items() if v not in (None, "")}
    return path + ("?" + urlencode(args) if args else "")


def _html(res: Resources, iri: str, path: str, lang: str, date: str | None, page: int,
          rel: str | None, link_type: str | None = None) -> str:
    kind = res.kind(iri)
    view = res.view(iri, lang, date, page, rel, link_type)
    common = _common(lang, path)
    formats = [(FORMAT_NAMES[ext], f"{path}.{ext}", DOCUMENT_FORMATS[ext])
               for ext in DOCUMENT_FORMATS if ext != "html"]
    query_url = "/sparql?" + urlencode({"query": view.query})
    if kind == "ontology":
        return render_template("ontology.html", view=view, terms=res.ontology_terms(lang),
                               formats=formats, query_url=query_url, **common)
    return render_template(
        "entity.html", view=view, formats=formats, query_url=query_url,
        schema_json=schema_json(view.schema_org), page_size=PAGE_SIZE,
        page_url=lambda **kw: _page_url(path, **kw), **common)


def _common(lang: str, path: str) -> dict[str, Any]:
    return page_layout(lang, path, ("date", "page", "rel", "type"))


# --- routes ------------------------------------------------------------------------------------

def dereference(**_: Any) -> Response:
    _check_raw_path()
    iri, ext = _resolve(request.path)
    base = _state().settings["base_iri"]
    path = path_for_iri(base, iri) or request.path
    if ext is not None:
        return _document_response(iri, path, ext, negotiated=False)
    offered = list(OFFERED)
    chosen = negotiate.choose(request.headers.get("Accept"), offered)
    if chosen is None:
        raise NotAcceptable("none of the types in Accept is available; available: "
                            + ", ".join(m for m in offered if m in DOCUMENT_FORMATS.values()))
    return _document_response(iri, path, OFFERED[chosen], negotiated=True)


for _rule in ("/ontology", "/ontology.<ext>", "/dataset", "/dataset.<ext>", "/id/<path:rest>",
              "/source/<path:rest>", "/graph/<path:rest>", "/ontology/<path:rest>"):
    bp.add_url_rule(_rule, endpoint="dereference", view_func=dereference,
                    methods=["GET", "HEAD"])


@bp.route("/", methods=["GET", "HEAD"])
def home() -> Response:
    res = resources()
    lang = _language()
    state = _state()
    base = state.settings["base_iri"]
    etag = cache_key_digest(state.release.id, "home", lang)

    def build() -> Response:
        html = render_template(
            "home.html",
            regions=res.instances(base + "ontology#MetropolitanRegion", lang),
            networks=res.instances(base + "ontology#CooperationNetwork", lang),
            **_common(lang, "/"))
        return Response(html, content_type="text/html; charset=utf-8")

    vary = [] if "lang" in request.args else ["Accept-Language"]
    return conditional(etag, build, vary=vary)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
