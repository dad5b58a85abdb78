"""Exception tree.

    MetrographError
    ├── ConfigError           bad setting
    ├── DataError             an input file under data/, ontology/, shapes/ or queries/ is malformed
    ├── ValidationFailed      the SHACL gate found violations (carries the report)
    ├── StoreError            no release to serve, or a corrupt/missing store
    └── HTTPError             anything the web layer answers with a status code
        ├── BadRequest (400)      ├── Forbidden (403)        ├── NotFound (404)
        ├── NotAcceptable (406)   ├── RequestTimeout (408)   ├── PayloadTooLarge (413)
        ├── UnsupportedMediaType (415)
        └── ServiceUnavailable (503)
"""

from __future__ import annotations


class MetrographError(Exception):
    """Base of every error metrograph raises on purpose."""


class ConfigError(MetrographError):
    pass


class DataError(MetrographError):
    pass


class ValidationFailed(MetrographError):
    def __init__(self, message: str, report_text: str = "", report_turtle: str = "") -> None:
        super().__init__(message)
        self.report_text = report_text
        self.report_turtle = report_turtle


class StoreError(MetrographError):
    pass


class HTTPError(MetrographError):
    status = 500
    headers: dict[str, str]

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = dict(headers or {})


class BadRequest(HTTPError):
    status = 400


class Forbidden(HTTPError):
    status = 403


class NotFound(HTTPError):
    status = 404


class RequestTimeout(HTTPError):
    status = 408


class NotAcceptable(HTTPError):
    status = 406


class PayloadTooLarge(HTTPError):
    status = 413


class UnsupportedMediaType(HTTPError):
    status = 415


class ServiceUnavailable(HTTPError):
    status = 503
