"""Running queries in this machine's query processes: the embedded backend's runner.

The processes are forked from one template (:mod:`metrograph.sparql.process_template`) and
serve in two lanes (:mod:`metrograph.sparql.query_pool`). A light query first tries a free
express worker for at most ``express_budget`` seconds, then goes to the general lane. A query
still running at its time limit gets its process killed (SIGKILL) and replaced. The pool is
created lazily in the process that first uses it (after gunicorn forks).
"""

from __future__ import annotations

import os
import threading
from typing import Any

from metrograph.errors import ServiceUnavailable
from metrograph.release import folders
from metrograph.sparql.query_pool import Pool, Worker

__all__ = ["OVERLOAD_RETRY_AFTER", "ProcessRunner", "retry_later"]

OVERLOAD_RETRY_AFTER = 2
#: Seconds a request may wait beyond query_timeout for a worker that is still loading the store
WORKER_START_ALLOWANCE = 120.0


def retry_later(message: str, seconds: int = OVERLOAD_RETRY_AFTER) -> ServiceUnavailable:
    """503 with ``Retry-After``: the server is busy, not the query at fault."""
    return ServiceUnavailable(message, {"Retry-After": str(seconds)})


class ProcessRunner:
    """Runs jobs in local query processes holding the release in memory. Thread-safe."""

    #: the processes sit in a network namespace of their own where the kernel allows it
    reaches_network = False

    def __init__(self, release: folders.Release, settings: dict[str, Any],
                 prefixes: dict[str, str]) -> None:
        self.release = release
        self.prefixes = prefixes
        self.timeout = float(settings["query_timeout"])
        self.size = max(1, int(settings["query_workers"]))
        self.spares = max(0, int(settings.get("query_spares", 1)))
        self.express_workers = max(0, int(settings.get("express_workers", 1)))
        self.express_budget = float(settings.get("express_budget", 1.0))
        self.max_memory = int(float(settings.get("query_memory_mb", 512)) * 2**20)
        self.query_store = str(settings.get("query_store", "memory"))
        self._pool: Pool | None = None
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Start the query processes now rather than at the first query."""
        self._get_pool()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None and pool.pid == os.getpid():
            pool.close()

    @property
    def network_isolated(self) -> bool:
        """Whether every running query process sits in a network namespace of its own."""
        return self._get_pool().all_isolated()

    def express(self, job: dict[str, Any]) -> tuple[tuple | None, float]:
        """A light query on a free express worker, stopped after ``express_budget`` seconds:
        (its reply or None, the seconds spent on it)."""
        if not self.express_workers:
            return None, 0.0
        pool = self._get_pool()
        worker = pool.take("express", 0.05)
        if worker is None:
            return None, 0.0
        budget = min(self.express_budget, self.timeout)
        reply = self._run_on(pool, "express", worker, job, budget)
        return reply, (0.0 if reply is not None else budget)

    def run(self, job: dict[str, Any], timeout: float) -> tuple:
        """The reply of a general-lane query process to ``job``; 503 past ``timeout``."""
        pool = self._get_pool()
        reply = self._run_on(pool, "general", self._free_worker(pool), job, timeout)
        if reply is None:
            raise retry_later(f"the query ran longer than the limit of {self.timeout:g} s and "
                              "was stopped; simplify it or add a LIMIT",
                              max(1, round(self.timeout)))
        return reply

    def _get_pool(self) -> Pool:
        with self._lock:
            if self._pool is None or self._pool.pid != os.getpid():
                # a pool inherited through fork belongs to the parent: never touch it
                self._pool = Pool({"general": self.size, "express": self.express_workers},
                                  self.release, self.prefixes, self.spares, self.query_store)
            return self._pool

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

    def _free_worker(self, pool: Pool, lane: str = "general") -> Worker:
        # waiting for a free worker may include a cold start or the replacement of a killed
        # worker (spawn + loading the store: tens of seconds at full size)
        worker = pool.take(lane, self.timeout + WORKER_START_ALLOWANCE)
        if worker is None:
            raise retry_later("no query worker became free in time; try again shortly")
        return worker
