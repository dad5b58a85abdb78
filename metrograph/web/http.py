"""HTTP helpers shared by the blueprints: CORS, conditional GET (ETag/304), caching headers."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Response, request

__all__ = ["CACHE_CONTROL", "conditional", "cors"]

CACHE_CONTROL = "public, max-age=300"


def cors(response: Response) -> Response:
    """Let any origin read the response (errors included) and the headers clients need."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Retry-After, Content-Length"
    return response


def conditional(etag: str, response_for: Callable[[], Response],
                vary: Iterable[str] = ("Accept",)) -> Response:
    """304 when ``If-None-Match`` matches on GET/HEAD; otherwise the real response.

    Either way the response carries the weak ``ETag``, ``Cache-Control``, ``Vary`` and CORS.
    """
    if request.method in {"GET", "HEAD"} and request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = response_for()
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = CACHE_CONTROL
    for name in vary:
        response.vary.add(name)
    return cors(response)
