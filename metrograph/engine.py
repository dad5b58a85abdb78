"""Query execution over a release (placeholder until the guarded worker pool lands).

Runs queries in-process on an in-memory copy of the release, union default graph, results
serialized by pyoxigraph. SERVICE is refused before evaluation.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from metrograph import store
from metrograph.errors import BadRequest

_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


class Engine:
    def __init__(self, release: store.Release, settings: dict[str, Any]) -> None:
        self.release = release
        self.settings = settings
        self.store = store.load_in_memory(release)

    def run(self, query: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        if _SERVICE.search(query):
            raise BadRequest("SERVICE is not allowed on this endpoint")
        try:
            return self.store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise BadRequest(f"query syntax error: {exc}") from exc
