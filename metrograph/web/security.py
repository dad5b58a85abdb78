"""Safe-by-default HTTP: browser policies on every page, a deadline for request bodies.

* Every HTML page carries a strict ``Content-Security-Policy`` (scripts, styles, images and
  fetches from this server only, no inline script, no framing, no plugins), a
  ``Referrer-Policy`` and ``X-Frame-Options``; every response ``X-Content-Type-Options:
  nosniff``. Pages keep data out of script: JSON blocks (``type="application/json"``) are data,
  not code, and front-end code sets styles through the CSSOM, which the policy allows.
* A request body must arrive within ``body_timeout`` seconds (the socket's timeout while the
  app reads it; gunicorn resets it for the next request), so a client announcing more than it
  sends holds a thread for seconds, not minutes. :func:`read_body` turns a stalled body into
  408 and a malformed chunked body into 400, and closes the connection either way.
"""

from __future__ import annotations

import contextlib
import socket

from flask import Flask, Response, request

from metrograph.errors import BadRequest, RequestTimeout

__all__ = ["CONTENT_SECURITY_POLICY", "init_app", "read_body"]

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
REFERRER_POLICY = "strict-origin-when-cross-origin"


def read_body(size: int) -> bytes:
    """Up to ``size`` bytes of the request body, or the 4xx that says what went wrong."""
    try:
        return request.stream.read(size)
    except OSError:  # the socket's timeout (TimeoutError) or a reset connection
        _end_of_connection()
        raise RequestTimeout("the request body did not arrive in time; send it at once") \
            from None
    except Exception:  # the server's parser refused the body (e.g. a bad chunk size)
        _end_of_connection()
        raise BadRequest("the request body is malformed (check its chunked transfer "
                         "encoding or Content-Length)") from None


def _end_of_connection() -> None:
    """Read nothing more from this client: the rest of a broken body must never be taken for
    the next request. gunicorn drops a ``Connection: close`` set by the app, but sees the end
    of the input after writing this answer, and closes."""
    sock = request.environ.get("gunicorn.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RD)


def init_app(app: Flask, body_timeout: float) -> None:
    @app.before_request
    def _body_deadline() -> None:
        sock = request.environ.get("gunicorn.socket")
        if sock is not None and request.method == "POST":
            sock.settimeout(body_timeout)

    @app.after_request
    def _policies(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        if response.mimetype == "text/html" and response.status_code != 304:  # a 304 has none
            response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            response.headers["Referrer-Policy"] = REFERRER_POLICY
            response.headers["X-Frame-Options"] = "DENY"
        return response
