"""Query execution with a hard time limit, result caps and a cache.

pyoxigraph cannot interrupt a running query, so queries run in a small pool of worker
processes (``query_workers`` per server process). Each worker copies the release into an
in-memory store once, then answers queries: it evaluates, enforces the row and byte caps while
pyoxigraph serializes, and sends back bytes. A query still running after ``query_timeout``
seconds gets its worker killed (SIGKILL) and replaced; the caller gets 503 with ``Retry-After``.
When every worker is busy and ``query_queue`` requests already wait, further requests get 503
with ``Retry-After`` at once. Successful results are kept in a bounded LRU cache keyed by the
release id, the query, the dataset and the format.

The pool is created lazily in the process that first uses it (after gunicorn forks). It starts
one template process (a fresh interpreter, see :mod:`metrograph.sparql.process_template`) that loads the
release once and forks the workers from itself: a killed worker is replaced in milliseconds and
the workers share the loaded store copy-on-write. Before loading anything, the template moves
into a network namespace of its own where the kernel allows it (the workers inherit it), so
even a query that slipped past the SERVICE check reaches nothing.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import threading
from collections import OrderedDict
from typing import Any

from metrograph.errors import BadRequest, PayloadTooLarge, ServiceUnavailable
from metrograph.release import folders
from metrograph.sparql import protocol as sparql
from metrograph.sparql.evaluation import encode_substitutions, evaluate
from metrograph.sparql.formats import FORMATS, Result
from metrograph.sparql.query_pool import Pool, Worker

__all__ = ["Engine", "cache_key_digest"]


OVERLOAD_RETRY_AFTER = 2
#: Seconds a request may wait beyond query_timeout for a worker that is still loading the store
WORKER_START_ALLOWANCE = 120.0


class Engine:
    """Runs read-only SPARQL queries over one release. Thread-safe; one per server process."""

    def __init__(self, release: folders.Release, settings: dict[str, Any],
                 remote: Any = None) -> None:
        from metrograph.model.namespaces import prefixes

        self.release = release
        #: a RemoteStore: queries go to it over HTTP instead of to local query processes
        self.remote = remote
        self.settings = settings
        self.timeout = float(settings["query_timeout"])
        self.max_rows = int(settings["max_result_rows"])
        self.max_bytes = int(settings["max_result_bytes"])
        self.max_query_bytes = int(settings["max_query_bytes"])
        self.size = max(1, int(settings["query_workers"]))
        self.queue = max(0, int(settings.get("query_queue", 2 * self.size)))
        self.spares = max(0, int(settings.get("query_spares", 1)))
        self.express = max(0, int(settings.get("express_workers", 1)))
        self.express_budget = float(settings.get("express_budget", 1.0))
        self.max_memory = int(float(settings.get("query_memory_mb", 512)) * 2**20)
        self.prefixes = prefixes(settings["base_iri"])
        self._cache: OrderedDict[tuple, Result] = OrderedDict()
        self._cache_bytes = 0
        self._cache_limit = int(settings["cache_entries"])
        self._cache_byte_limit = int(settings.get("cache_bytes", 64 * 2**20))
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.size + self.queue)
        self._pool: Pool | None = None
        self._remote_running = threading.BoundedSemaphore(self.size)
        atexit.register(self.close)

    # -- public API --

    def warm(self) -> None:
        """Start the worker pool now rather than at the first query."""
        if self.remote is None:
            self._get_pool()

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
        sparql.refuse_unsafe(query)
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
        reply = self._dispatch(job, sparql.is_light(query))
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
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None and pool.pid == os.getpid():
            pool.close()

    @property
    def network_isolated(self) -> bool:
        """Whether every running worker sits in a network namespace of its own."""
        if self.remote is not None:
            return False  # the store is reached over the network
        return self._get_pool().all_isolated()

    # -- internals --

    def _get_pool(self) -> Pool:
        with self._lock:
            if self._pool is None or self._pool.pid != os.getpid():
                # a pool inherited through fork belongs to the parent: never touch it
                self._pool = Pool({"general": self.size, "express": self.express},
                                  self.release, self.prefixes, self.spares,
                                  str(self.settings.get("query_store", "memory")))
            return self._pool

    def _retry(self, message: str, seconds: int) -> ServiceUnavailable:
        return ServiceUnavailable(message, {"Retry-After": str(seconds)})

    def _dispatch(self, job: dict[str, Any], light: bool = False) -> tuple:
        """Run ``job``: a light query on a free express worker first (for at most
        ``express_budget`` seconds), otherwise, or after that, in the general lane."""
        timeout = self.timeout
        if light and self.remote is None and self.express:
            pool = self._get_pool()
            worker = pool.take("express", 0.05)
            if worker is not None:
                reply = self._run_on(pool, "express", worker, job, min(self.express_budget,
                                                                      timeout))
                if reply is not None:
                    return reply
                timeout = max(0.5, timeout - self.express_budget)  # stopped: on to general
        if not self._slots.acquire(blocking=False):
            raise self._retry(f"the server is busy ({self.size} queries running, "
                              f"{self.queue} waiting); try again shortly", OVERLOAD_RETRY_AFTER)
        try:
            if self.remote is not None:
                return self._run_remote(job)
            pool = self._get_pool()
            worker = self._free_worker(pool)
            reply = self._run_on(pool, "general", worker, job, timeout)
            if reply is None:
                raise self._retry(
                    f"the query ran longer than the limit of {self.timeout:g} s and was "
                    "stopped; simplify it or add a LIMIT", max(1, round(self.timeout)))
            return reply
        finally:
            self._slots.release()

    def _run_on(self, pool: Pool, lane: str, worker: Worker, job: dict[str, Any],
                timeout: float) -> tuple | None:
        """The worker's reply, or None when it ran past ``timeout`` (it is then killed)."""
        try:
            worker.jobs.send(job)
        except OSError:  # died before it got the job (killed from outside): another one
            pool.discard(lane, worker)
            return self._run_on(pool, lane, self._free_worker(pool, lane), job, timeout)
        try:
            if not worker.replies.poll(timeout):
                pool.discard(lane, worker)  # still running past the limit: SIGKILL, replace
                return None
            reply = worker.replies.recv()
        except (EOFError, OSError):
            # died evaluating this query (an engine crash or the memory backstop): retrying
            # would crash the next worker the same way
            pool.discard(lane, worker)
            raise ServiceUnavailable(
                "the query process stopped while evaluating this query (it most likely needed "
                f"more than {self.max_memory // 2**20} MB of memory); it was not retried: "
                "narrow the query") from None
        if reply[0] == "memory":
            pool.discard(lane, worker)  # it ended itself after replying
        else:
            pool.give_back(lane, worker)
        return reply

    def _run_remote(self, job: dict[str, Any]) -> tuple:
        """At most ``query_workers`` queries of this process at the store at once; the store
        is asked in this thread (the wait is on the network, the parsing in Rust)."""
        import pyoxigraph as ox

        if not self._remote_running.acquire(timeout=self.timeout):
            raise self._retry("no query slot became free in time; try again shortly",
                              OVERLOAD_RETRY_AFTER)
        try:
            return evaluate(self.remote, ox, self.prefixes, job)
        finally:
            self._remote_running.release()

    def _free_worker(self, pool: Pool, lane: str = "general") -> Worker:
        # waiting for a free worker may include a cold start or the replacement of a killed
        # worker (spawn + loading the store: tens of seconds at full size)
        worker = pool.take(lane, self.timeout + WORKER_START_ALLOWANCE)
        if worker is None:
            raise self._retry("no query worker became free in time; try again shortly",
                              OVERLOAD_RETRY_AFTER)
        return worker

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
