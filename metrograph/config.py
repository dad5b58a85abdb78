"""Settings registry: every setting has a name, a default and a help text.

Values come from environment variables ``METROGRAPH_<NAME>`` (upper case) or from an explicit
mapping (tests, ``create_app(test_config)``). The README's configuration table is generated from
and tested against :data:`SETTINGS`.
"""

from __future__ import annotations

import os
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
    Setting("host", "127.0.0.1", "Interface the server binds to."),
    Setting("port", 8000, "TCP port the server listens on.", int),
    Setting("workers", 2, "Server worker processes (gunicorn), each holding the read-only store.", int),
    Setting("query_timeout", 10.0, "Seconds a SPARQL query may run before it is stopped (503).", float),
    Setting("query_workers", 4, "Query evaluation processes per server process.", int),
    Setting("query_store", "memory",
            "What query processes read: 'memory' (the release loaded into memory once per "
            "server process; fastest) or 'disk' (the read-only on-disk store; for releases too "
            "large to hold in memory)."),
    Setting("max_query_bytes", 65536, "Largest accepted query text in bytes (413 above).", int),
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
)

_BY_NAME = {s.name: s for s in SETTINGS}


def markdown_table() -> str:
    """The README's configuration table (tests check the README carries exactly this)."""
    shown = {"project_dir": "the repository", "var_dir": "`var/` in the repository"}
    lines = ["| environment variable | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = shown.get(s.name, f"`{s.default}`")
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
    if not str(values["base_iri"]).endswith("/"):
        raise ConfigError(f"{ENV_PREFIX}BASE_IRI must end with '/': {values['base_iri']!r}")
    return values
