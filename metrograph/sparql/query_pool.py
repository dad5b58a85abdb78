"""The query processes of one server process, in two lanes.

Workers are forked from one template process that holds the loaded release (see
:mod:`metrograph.sparql.process_template`), so a killed worker is replaced in milliseconds. They serve in
lanes: ``general`` (``query_workers`` processes, every query) and ``express``
(``express_workers`` processes, only light queries, see :func:`metrograph.sparql.protocol.is_light`),
so an ASK or a short lookup never queues behind slow aggregations. Loaded spares wait to
replace a killed worker of either lane at once.
"""

from __future__ import annotations

import os
import queue
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection

from metrograph.release import folders
from metrograph.sparql.process_template import ForkedProcess, Template

__all__ = ["LANES", "Pool", "Worker"]

LANES = ("general", "express")


@dataclass(eq=False)
class Worker:
    process: ForkedProcess
    jobs: Connection
    replies: Connection
    isolated: bool = False

    def alive(self) -> bool:
        return self.process.poll() is None


class Pool:
    """Query processes forked from one template, per lane; thread-safe."""

    def __init__(self, sizes: dict[str, int], release: folders.Release, prefixes: dict[str, str],
                 spares: int = 1, query_store: str = "memory") -> None:
        self.pid = os.getpid()
        self.sizes = {lane: sizes.get(lane, 0) for lane in LANES}
        self.idle: dict[str, queue.Queue[Worker]] = {lane: queue.Queue() for lane in LANES}
        # loaded workers held back to replace a killed one at once: loading the release takes
        # seconds, and without a spare the other clients' queries would queue up meanwhile
        self.spare: queue.Queue[Worker] = queue.Queue()
        self.workers: set[Worker] = set()
        self._lock = threading.Lock()
        self.closed = False
        self._template = Template(release, prefixes, query_store)
        for lane, size in self.sizes.items():
            for _ in range(size):
                self._spawn(self.idle[lane])
        for _ in range(spares):
            self._spawn(self.spare)

    def has(self, lane: str) -> bool:
        return self.sizes.get(lane, 0) > 0

    def take(self, lane: str, timeout: float) -> Worker | None:
        """A live idle worker of ``lane`` within ``timeout`` seconds, or None."""
        while True:
            try:
                worker = self.idle[lane].get(timeout=timeout) if timeout > 0 \
                    else self.idle[lane].get_nowait()
            except queue.Empty:
                return None
            if worker.alive():
                return worker
            self.kill(worker)  # died while idle (e.g. killed from outside): replace it
            self.replace(lane)

    def give_back(self, lane: str, worker: Worker) -> None:
        self.idle[lane].put(worker)

    def replace(self, lane: str) -> None:
        """Put a loaded spare to work in ``lane`` at once, if one is ready, and load a new one
        behind it."""
        try:
            worker = self.spare.get_nowait()
        except queue.Empty:
            self._spawn(self.idle[lane])
            return
        if worker.alive():
            self.idle[lane].put(worker)
            self._spawn(self.spare)
        else:
            self.kill(worker)
            self._spawn(self.idle[lane])

    def discard(self, lane: str, worker: Worker) -> None:
        """Kill ``worker`` (SIGKILL: pyoxigraph cannot be interrupted) and replace it."""
        self.kill(worker)
        self.replace(lane)

    def _spawn(self, into: queue.Queue[Worker]) -> None:
        """Start one worker in the background; it joins ``into`` once its store is loaded."""
        threading.Thread(target=self._start_one, args=(into,), daemon=True).start()

    def _start_one(self, into: queue.Queue[Worker]) -> None:
        try:
            process, jobs, replies = self._template.fork()
        except (EOFError, OSError, ValueError):
            return  # could not load the store; requests time out waiting and say so
        worker = Worker(process, jobs, replies, isolated=self._template.isolated)
        with self._lock:
            if self.closed:
                self._kill(worker)
                return
            self.workers.add(worker)
        into.put(worker)

    def kill(self, worker: Worker) -> None:
        with self._lock:
            self.workers.discard(worker)
        self._kill(worker)

    def all_isolated(self) -> bool:
        with self._lock:
            return bool(self.workers) and all(w.isolated for w in self.workers)

    @staticmethod
    def _kill(worker: Worker) -> None:
        if worker.alive():
            worker.process.kill()
        worker.process.wait(10)
        worker.jobs.close()
        worker.replies.close()

    def close(self) -> None:
        with self._lock:
            self.closed = True
            workers = list(self.workers)
            self.workers.clear()
        for worker in workers:
            self._kill(worker)
        self._template.close()
