"""Settings registry: every setting has a name, a default and a help text.

Values come from environment variables ``METROGRAPH_<NAME>`` (upper case) or from an explicit
mapping (tests, ``create_app(test_config)``). The configuration table of docs/operations.md is generated from
and tested against :data:`SETTINGS`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metrograph.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "METROGRAPH_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    kind: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("base_iri", "https://w3id.org/metrograph/",
            "Persistent base of every IRI the graph mints; must end with '/'. Never the request host."),
    Setting("project_dir", str(ROOT),
            "Folder holding ontology/, data/, shapes/ and queries/ (the build's inputs)."),
    Setting("var_dir", str(ROOT / "var"),
            "Where releases are built; 'current' inside it points to the release being served."),
    Setting("seeds_dir", str(ROOT.parent / "shared" / "seeds"),
            "Folder of the seed pages' texts (NNN_*.txt): the build checks every evidence phrase "
            "against them; where the folder is absent it checks the phrases' form only."),
    Setting("host", "127.0.0.1", "Interface the server binds to."),
    Setting("port", 8000, "TCP port the server listens on.", int),
    Setting("workers", 2, "Server worker processes (gunicorn), each holding the read-only store.", int),
    Setting("query_timeout", 10.0, "Seconds a SPARQL query may run before it is stopped (503).", float),
    Setting("query_workers", 4, "Query evaluation processes per server process.", int),
    Setting("express_workers", 1,
            "Extra query processes per server process for light queries (ASK, short LIMITed "
            "lookups), so they never queue behind slow ones; 0 turns the lane off.", int),
    Setting("express_budget", 1.0,
            "Seconds a light query may run in the express lane before it is moved to the "
            "general one.", float),
    Setting("query_memory_mb", 512,
            "Memory one query may allocate in MB; above it the query is stopped (503).", int),
    Setting("query_store", "memory",
            "What query processes read: 'memory' (the release loaded into memory once per "
            "server process; fastest) or 'disk' (the read-only on-disk store; for releases too "
            "large to hold in memory)."),
    Setting("max_query_bytes", 65536, "Largest accepted query text in bytes (413 above).", int),
    Setting("max_request_line", 65536,
            "Longest request line in bytes (414 above): longer GET queries must be POSTed.", int),
    Setting("body_timeout", 10.0,
            "Seconds a client may take to send a request body (408 after).", float),
    Setting("public_url", "",
            "The server's public address, e.g. 'https://metrograph.example/'; documents that name "
            "this server (service description, sitemap, robots.txt) use it, never the request's "
            "Host header. Empty: http://HOST:PORT/ of the host and port settings."),
    Setting("max_result_rows", 100000, "Most result rows or triples a query may return.", int),
    Setting("max_result_bytes", 50_000_000, "Largest serialized result in bytes.", int),
    Setting("cache_entries", 512, "Serialized results kept in the in-memory cache per process.", int),
    Setting("cache_bytes", 64 * 2**20,
            "Total bytes of serialized results the cache keeps per process.", int),
    Setting("query_queue", 8,
            "Queries that may wait for a busy query worker per process (503 beyond).", int),
    Setting("query_spares", 1,
            "Loaded query processes kept in reserve per server process to replace a killed one "
            "at once.", int),
    Setting("backend", "embedded",
            "Where the data is queried: 'embedded' (pyoxigraph, in the server) or 'remote' (a "
            "SPARQL 1.1 endpoint loaded with `metrograph publish`)."),
    Setting("remote_query_url", "",
            "remote backend: the store's SPARQL query endpoint (read access is all serving "
            "needs)."),
    Setting("remote_update_url", "",
            "remote backend, `publish` only: the store's SPARQL Update endpoint."),
    Setting("remote_gsp_url", "",
            "remote backend, `publish` only: the store's Graph Store Protocol endpoint."),
    Setting("remote_isql", "",
            "remote backend, `publish` only, Virtuoso: its SQL port (host:port); releases "
            "are then switched in one SQL transaction (needs the `isql-vt` client)."),
    Setting("remote_isql_user", "dba",
            "remote backend, `publish` only, Virtuoso: the SQL account that switches releases "
            "(writes DB.DBA.RDF_QUAD, creates a procedure)."),
    Setting("remote_isql_password", "", "remote backend, `publish` only, Virtuoso: that "
            "account's password (set it in the environment)."),
    Setting("remote_user", "", "remote backend, `publish` only: user for the update and GSP "
            "endpoints (HTTP Digest or Basic)."),
    Setting("remote_password", "", "remote backend, `publish` only: that user's password "
            "(set it in the environment, never on a command line)."),
    Setting("remote_load_dir", "",
            "remote backend, `publish` only, Virtuoso with `remote_isql`: a directory both "
            "`publish` and the store can read (in the store's DirsAllowed); releases are then "
            "staged by Virtuoso's bulk loader instead of uploaded (much faster at scale)."),
    Setting("metrics_access", "local",
            "Who may read /metrics: 'open' (anyone), 'local' (clients on the loopback "
            "interface only; 403 for others) or 'off' (404)."),
    Setting("publish_chunk_bytes", 8 * 2**20,
            "`publish`: bytes of N-Triples per upload request to the store.", int),
    Setting("release_poll", 5.0,
            "remote backend: seconds between checks of which release the store holds.", float),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def markdown_table() -> str:
    """The configuration table of docs/operations.md (a test checks it carries exactly this)."""
    shown = {"project_dir": "the repository", "var_dir": "`var/` in the repository",
             "seeds_dir": "`shared/seeds/` beside the repository"}
    lines = ["| environment variable | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = shown.get(s.name, f"`{s.default}`" if s.default != "" else "(none)")
        lines.append(f"| `{ENV_PREFIX}{s.name.upper()}` | {default} | {s.help} |")
    return "\n".join(lines)


def _coerce(setting: Setting, raw: Any) -> Any:
    if isinstance(raw, setting.kind):
        return raw
    try:
        return setting.kind(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"{ENV_PREFIX}{setting.name.upper()}={raw!r} is not a valid {setting.kind.__name__}"
        ) from exc


#: the names of the backends in :data:`metrograph.store.backends.BACKENDS`
BACKEND_NAMES = ("embedded", "remote")


def load(overrides: Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Resolve every setting: explicit overrides, then environment, then default."""
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(_BY_NAME)
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.name in overrides:
            raw = overrides[setting.name]
        else:
            raw = environ.get(ENV_PREFIX + setting.name.upper(), setting.default)
        values[setting.name] = _coerce(setting, raw)
    if values["backend"] not in BACKEND_NAMES:
        raise ConfigError(f"{ENV_PREFIX}BACKEND must be one of {', '.join(BACKEND_NAMES)}, not "
                          f"{values['backend']!r}")
    if values["backend"] == "remote" and not values["remote_query_url"]:
        raise ConfigError(f"{ENV_PREFIX}BACKEND=remote needs {ENV_PREFIX}REMOTE_QUERY_URL "
                          "(the store's SPARQL endpoint)")
    if values["metrics_access"] not in {"open", "local", "off"}:
        raise ConfigError(f"{ENV_PREFIX}METRICS_ACCESS must be 'open', 'local' or 'off', not "
                          f"{values['metrics_access']!r}")
    if values["public_url"] and not re.fullmatch(r"https?://[^\s/?#]+/(?:[^\s?#]*/)?",
                                                 values["public_url"]):
        raise ConfigError(f"{ENV_PREFIX}PUBLIC_URL must be an http(s) URL ending with '/', not "
                          f"{values['public_url']!r}")
    if not str(values["base_iri"]).endswith("/"):
        raise ConfigError(f"{ENV_PREFIX}BASE_IRI must end with '/': {values['base_iri']!r}")
    return values


def public_url(settings: Mapping[str, Any]) -> str:
    """The server's own public address, ending with '/' (never taken from a request)."""
    if settings.get("public_url"):
        return str(settings["public_url"])
    host = str(settings["host"])
    host = f"[{host}]" if ":" in host else ("127.0.0.1" if host in {"0.0.0.0", ""} else host)
    return f"http://{host}:{settings['port']}/"
