"""Repeated requests answered before Flask: a per-process memo of cacheable responses.

Every response that carries a weak ``ETag`` and ``Cache-Control: public`` is, by the contract
of :func:`metrograph.web.http.conditional`, determined by the release and the request alone.
This WSGI layer sits in front of the Flask app and remembers such ``200`` responses to ``GET``
(body and headers), keyed by the release id and every part of the request the app reads: the
raw and decoded path, the query string, host, scheme, script name, ``Accept`` and
``Accept-Language``. The same request again is answered from the memo without routing,
negotiation or evaluation: ``304`` when ``If-None-Match`` matches the ``ETag`` (with the headers
the app's own 304 carries), else the stored ``200`` (``HEAD``: without the body).

Everything else goes to the app unchanged: other methods, requests with ``Range``,
``If-Match``, ``If-Modified-Since``, ``If-Unmodified-Since``, ``If-Range``, credentials or a
body, responses that vary on other headers, errors, strong ETags (dumps), bodies over
``MAX_ENTRY_BYTES``. The memo is bounded (``MAX_ENTRIES``, ``MAX_BYTES``, least recently used
dropped) and never outlives a release: the release id is part of the key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.http import parse_etags

__all__ = ["MAX_BYTES", "MAX_ENTRIES", "MAX_ENTRY_BYTES", "Memo", "install"]

MAX_ENTRIES = 2048
MAX_BYTES = 32 * 2**20
MAX_ENTRY_BYTES = 2**20

#: request headers whose presence sends the request to the app (the memo does not judge them)
_BYPASS = ("HTTP_RANGE", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE",
           "HTTP_IF_RANGE", "HTTP_AUTHORIZATION", "HTTP_COOKIE", "HTTP_TRANSFER_ENCODING")
#: the request headers the key holds; a response varying on anything else is not kept
_VARY_OK = frozenset({"accept", "accept-language"})
#: dropped from a 304: representation metadata (as werkzeug drops it from the app's own 304)
#: and the headers the app sets only on full answers (web/security.py's page policies)
_NOT_ON_304 = frozenset({"allow", "content-encoding", "content-language", "content-length",
                         "content-md5", "content-range", "content-type", "last-modified",
                         "content-disposition", "content-security-policy", "referrer-policy",
                         "x-frame-options"})

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class _Entry:
    etag: str  # the quoted value without W/
    headers: list[tuple[str, str]]
    headers_304: list[tuple[str, str]]
    body: bytes


class Memo:
    """WSGI middleware; ``release_id()`` names the release the app serves right now."""

    def __init__(self, app: WSGIApp, release_id: Callable[[], str],
                 before: Callable[[], None] | None = None,
                 counted: Callable[[str, int], None] | None = None) -> None:
        self.app = app
        self.release_id = release_id
        self.before = before  # e.g. follow a release switch before reading the release id
        #: told (method, status) of every answer given here
        self.counted = counted or (lambda method, status: None)
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or environ.get("CONTENT_LENGTH") not in (None, "", "0") \
                or any(name in environ for name in _BYPASS):
            return self.app(environ, start_response)
        if self.before is not None:
            self.before()
        key = self._key(environ)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
        if entry is not None:
            return self._answer(entry, environ, start_response)
        if method == "HEAD":
            return self.app(environ, start_response)
        return self._remember(key, environ, start_response)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _key(self, environ: dict[str, Any]) -> tuple:
        get = environ.get
        return (self.release_id(), get("RAW_URI") or get("REQUEST_URI"), get("PATH_INFO"),
                get("QUERY_STRING"), get("SCRIPT_NAME"), get("HTTP_HOST"), get("SERVER_NAME"),
                get("SERVER_PORT"), get("wsgi.url_scheme"), get("HTTP_ACCEPT"),
                get("HTTP_ACCEPT_LANGUAGE"))

    def _answer(self, entry: _Entry, environ: dict[str, Any],
                start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        wanted = environ.get("HTTP_IF_NONE_MATCH")
        if wanted is not None and parse_etags(wanted).contains_weak(entry.etag):
            start_response("304 NOT MODIFIED", list(entry.headers_304))
            self.counted(method, 304)
            return []
        start_response("200 OK", list(entry.headers))
        self.counted(method, 200)
        return [] if method == "HEAD" else [entry.body]

    def _remember(self, key: tuple, environ: dict[str, Any],
                  start_response: StartResponse) -> Iterable[bytes]:
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info is not None \
                else start_response(status, headers)

        app_iter = self.app(environ, capture)
        etag = _storable(seen.get("status", ""), seen.get("headers", []))
        if etag is None:
            return app_iter
        try:
            body = b"".join(app_iter)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        headers = list(seen["headers"])
        entry = _Entry(etag, headers, [(k, v) for k, v in headers
                                       if k.lower() not in _NOT_ON_304], body)
        if len(body) <= MAX_ENTRY_BYTES:
            self._put(key, entry)
        return [body]

    def _put(self, key: tuple, entry: _Entry) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = entry
            self._bytes += len(entry.body)
            while len(self._entries) > MAX_ENTRIES or self._bytes > MAX_BYTES:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.body)


def install(app: Any) -> Memo:
    """Put a memo in front of a Flask app (``app.wsgi_app``); it is kept as
    ``app.extensions['metrograph.memo']``."""

    def state() -> Any:
        return app.extensions["metrograph"]

    def before() -> None:
        follow = getattr(state(), "follow", None)  # a release switch, where the backend has one
        if follow is not None:
            follow()

    from metrograph.web import ops

    memo = Memo(app.wsgi_app, lambda: state().release.id, before, ops.count)
    app.wsgi_app = memo
    app.extensions["metrograph.memo"] = memo
    return memo


def _storable(status: str, headers: list[tuple[str, str]]) -> str | None:
    """The ETag value of a response the memo may keep, else None."""
    if not status.startswith("200"):
        return None
    etag = length = None
    public = False
    for name, value in headers:
        lower = name.lower()
        if lower == "etag":
            etag = value
        elif lower == "cache-control":
            public = "public" in value.lower()
        elif lower == "content-length":
            length = value
        elif lower == "vary":
            if any(v.strip().lower() not in _VARY_OK for v in value.split(",") if v.strip()):
                return None
        elif lower == "set-cookie":
            return None
    if not public or etag is None or not etag.startswith('W/"') or length is None \
            or not length.isascii() or not length.isdigit() or int(length) > MAX_ENTRY_BYTES:
        return None
    return etag[2:].strip('"')
