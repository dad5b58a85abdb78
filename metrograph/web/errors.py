"""One error shape for every HTTP error: status, plain-text message, never a traceback."""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from metrograph.errors import HTTPError


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    body = f"{status} {message}\n"
    response = Response(body, status=status, mimetype="text/plain")
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
