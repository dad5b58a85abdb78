"""Query execution: the protocol's checks, a result cache and one runner that evaluates.

The engine checks a query's size and safety (:func:`metrograph.sparql.protocol.refuse_unsafe`),
looks it up in a bounded LRU cache keyed by the release id, the query, the dataset, the formats
and the bound values, and hands the rest to its runner: local query processes with a hard time
limit (:class:`metrograph.sparql.process_runner.ProcessRunner`, the embedded backend) or a
remote store (:class:`metrograph.store.backends.RemoteRunner`). Every reply becomes a result or
the same error whichever runner gave it. When ``query_workers`` queries run and
``query_queue`` more wait, further requests get 503 with ``Retry-After`` at once.
"""

from __future__ import annotations

import atexit
import hashlib
import re
import threading
from collections import OrderedDict
from typing import Any

from metrograph.errors import BadRequest, PayloadTooLarge, ServiceUnavailable
from metrograph.release import folders
from metrograph.sparql import protocol
from metrograph.sparql.evaluation import encode_substitutions
from metrograph.sparql.formats import FORMATS, Result
from metrograph.sparql.process_runner import OVERLOAD_RETRY_AFTER, ProcessRunner, retry_later

__all__ = ["Engine", "cache_key_digest"]



class Engine:
    """Runs read-only SPARQL queries over one release. Thread-safe; one per server process."""

    def __init__(self, release: folders.Release, settings: dict[str, Any],
                 runner: Any = None) -> None:
        """``runner`` evaluates the jobs (a :class:`~metrograph.store.backends.QueryRunner`);
        without one, local query processes do (the embedded backend)."""
        from metrograph.model.namespaces import prefixes

        self.release = release
        self.settings = settings
        self.timeout = float(settings["query_timeout"])
        self.max_rows = int(settings["max_result_rows"])
        self.max_bytes = int(settings["max_result_bytes"])
        self.max_query_bytes = int(settings["max_query_bytes"])
        self.size = max(1, int(settings["query_workers"]))
        self.queue = max(0, int(settings.get("query_queue", 2 * self.size)))
        self.max_memory = int(float(settings.get("query_memory_mb", 512)) * 2**20)
        self.prefixes = prefixes(settings["base_iri"])
        if runner is None:
            runner = ProcessRunner(release, settings, self.prefixes)
        self.runner = runner
        self._cache: OrderedDict[tuple, Result] = OrderedDict()
        self._cache_bytes = 0
        self._cache_limit = int(settings["cache_entries"])
        self._cache_byte_limit = int(settings.get("cache_bytes", 64 * 2**20))
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.size + self.queue)
        atexit.register(self.close)

    # -- public API --

    def warm(self) -> None:
        """Start the runner's query processes now rather than at the first query."""
        self.runner.warm()

    def execute(self, query: str, *, default_graphs: tuple[str, ...] | None = None,
                named_graphs: tuple[str, ...] | None = None, results_format: str | None = "json",
                graph_format: str | None = "ttl", substitutions: Any = None) -> Result:
        """Run ``query`` and serialize it: SELECT/ASK as ``results_format``, graphs as
        ``graph_format`` (short names from :data:`FORMATS`; ``None`` = not acceptable).

        ``default_graphs``/``named_graphs`` (IRIs) specify the dataset as the protocol's
        ``default-graph-uri``/``named-graph-uri`` do; without them the default graph is the
        union of all graphs (or the query's own ``FROM``/``FROM NAMED``).

        ``substitutions`` (``{variable name: NamedNode | Literal}``) binds variables to typed
        terms with pyoxigraph's substitutions (SEP-0007) in the worker; the values never
        become query text. They are part of the cache key.

        Raises BadRequest (syntax with line:column, update, SERVICE, result over a cap),
        NotAcceptable, PayloadTooLarge, ServiceUnavailable (time limit, overload).
        """
        from metrograph.errors import NotAcceptable

        size = len(query.encode("utf-8"))
        if size > self.max_query_bytes:
            raise PayloadTooLarge(f"the query has {size} bytes; the limit is "
                                  f"{self.max_query_bytes}")
        protocol.refuse_unsafe(query)
        dataset = None
        if default_graphs is not None or named_graphs is not None:
            dataset = (tuple(default_graphs or ()), tuple(named_graphs or ()))
        bound = encode_substitutions(substitutions)
        key = (self.release.id, query, dataset, results_format, graph_format)
        if bound:
            key += (bound,)
        hit = self._cache_get(key)
        if hit is not None:
            return hit
        job = {
            "query": query,
            "base_iri": self.settings["base_iri"],
            "default_graphs": dataset[0] if dataset else None,
            "named_graphs": dataset[1] if dataset else None,
            "results_format": results_format,
            "graph_format": graph_format,
            "max_rows": self.max_rows,
            "max_bytes": self.max_bytes,
            "substitutions": bound,
            "max_memory": self.max_memory,
        }
        reply = self._dispatch(job, protocol.is_light(query))
        tag = reply[0]
        if tag == "ok":
            _, kind, name, body = reply
            result = Result(body, FORMATS[name], kind)
            self._cache_put(key, result)
            return result
        if tag == "syntax":
            raise BadRequest(_syntax_message(reply[1]))
        if tag == "refused":
            raise BadRequest(reply[1])
        if tag == "too_large":
            raise BadRequest(f"{reply[1]}; narrow the query (LIMIT/OFFSET) or use the dumps")
        if tag == "memory":
            raise ServiceUnavailable(
                f"the query used more than {reply[1] // 2**20} MB of memory and was stopped; "
                "narrow it (fewer rows, shorter strings) or use the dumps")
        if tag == "not_acceptable":
            types = ", ".join(FORMATS[n].media_type for n in reply[2])
            raise NotAcceptable(f"this {reply[1].upper()} result is available as: {types}")
        raise BadRequest(f"query evaluation failed: {reply[1]}")

    def close(self) -> None:
        self.runner.close()

    @property
    def network_isolated(self) -> bool:
        """Whether no query can reach the network from where it runs."""
        return not self.runner.reaches_network and self.runner.network_isolated

    # -- internals --

    def _dispatch(self, job: dict[str, Any], light: bool = False) -> tuple:
        """A light query may take the runner's express lane first, without waiting for a
        slot; everything else (and a light query the express lane stopped) takes a slot."""
        timeout = self.timeout
        if light:
            reply, spent = self.runner.express(job)
            if reply is not None:
                return reply
            timeout = max(0.5, timeout - spent)
        if not self._slots.acquire(blocking=False):
            raise retry_later(f"the server is busy ({self.size} queries running, "
                              f"{self.queue} waiting); try again shortly", OVERLOAD_RETRY_AFTER)
        try:
            return self.runner.run(job, timeout)
        finally:
            self._slots.release()

    def _cache_get(self, key: tuple) -> Result | None:
        with self._lock:
            hit = self._cache.get(key)
            if hit is None:
                return None
            self._cache.move_to_end(key)
            return Result(hit.body, hit.format, hit.kind, cached=True)

    def _cache_put(self, key: tuple, result: Result) -> None:
        size = len(result.body)
        if self._cache_limit <= 0 or size > self._cache_byte_limit // 8:
            return
        with self._lock:
            if key in self._cache:
                return
            self._cache[key] = result
            self._cache_bytes += size
            while self._cache and (len(self._cache) > self._cache_limit
                                   or self._cache_bytes > self._cache_byte_limit):
                _, old = self._cache.popitem(last=False)
                self._cache_bytes -= len(old.body)

    @property
    def cache_size(self) -> int:
        return len(self._cache)


def _syntax_message(message: str) -> str:
    """pyoxigraph says 'error at 3:2: expected X'; say it with words."""
    match = re.match(r"error at (\d+):(\d+): ?(.*)", message, re.DOTALL)
    if match:
        line, column, rest = match.groups()
        return f"query syntax error at line {line}, column {column}: {rest}"
    return f"query syntax error: {message}"


def cache_key_digest(*parts: object) -> str:
    """A short stable digest of request parts (used for ETags)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]
