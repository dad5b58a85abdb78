"""One error shape for every HTTP error: the status and a sentence, never a traceback.

Browsers (who prefer ``text/html`` to ``text/plain``) get the sentence inside a page of the
site, with navigation and search, in the page language; every other client (curl's ``*/*``,
RDF and SPARQL clients) gets it as ``text/plain``.
"""

from __future__ import annotations

from flask import Flask, Response, has_request_context, render_template, request
from werkzeug.exceptions import HTTPException

from metrograph.errors import HTTPError
from metrograph.i18n.text import ERROR_PAGES as _PAGE_TEXT
from metrograph.web.resources import page_language, page_layout


def _wants_page() -> bool:
    if not has_request_context():
        return False
    best = request.accept_mimetypes.best_match(["text/plain", "text/html"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > \
        request.accept_mimetypes["text/plain"]


def _page(status: int, message: str) -> str | None:
    lang = page_language(strict=False)  # a bad ?lang= may be the very error shown
    texts = _PAGE_TEXT[lang]
    heading, advice = texts.get(status, texts[400 if 400 <= status < 500 else 0])
    try:
        return render_template(
            "error.html", **page_layout(lang), status=status, heading=heading, advice=advice,
            message=message, detail_label=texts["words"][0], home=texts["words"][1])
    except Exception:  # pragma: no cover - the plain answer is always there
        return None


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    page = _page(status, message) if _wants_page() else None
    if page is not None:
        response = Response(page, status=status, mimetype="text/html")
    else:
        response = Response(f"{status} {message}\n", status=status, mimetype="text/plain")
    response.headers["Access-Control-Allow-Origin"] = "*"
    # messages may quote the request (a path, a prefix): never let a browser sniff it as HTML
    response.headers["X-Content-Type-Options"] = "nosniff"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPError)
    def _ours(exc: HTTPError) -> Response:
        return error_response(exc.status, exc.message, exc.headers)

    @app.errorhandler(HTTPException)
    def _werkzeug(exc: HTTPException) -> Response:
        # keep the headers werkzeug computed (e.g. Allow on 405), not its HTML content type
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return error_response(exc.code or 500, exc.description or exc.name, headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:  # pragma: no cover - defensive
        app.logger.exception("unhandled error")
        return error_response(500, "internal error; the operators have been told")
