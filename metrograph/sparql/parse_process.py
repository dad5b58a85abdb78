"""The parse check (:mod:`metrograph.sparql.parse_check`) in processes of its own, with a time
limit: for the remote backend, which has no query processes of its own.

pyoxigraph evaluates what it parses (on an empty store, so that no ``SERVICE`` is reached): an
ASK over a cartesian product of ``VALUES`` blocks, or a long list of objects, can take minutes.
In the server process that would hold a thread and a core; here a check that passes the limit
is stopped with its process (SIGKILL) and answered 503, like a query that runs too long.

A checking process is ``python -m metrograph.sparql.parse_process``: it reads one JSON request
per line on its standard input and writes one JSON answer per line.
"""

from __future__ import annotations

import json
import queue
import selectors
import subprocess
import sys
import threading
from typing import Any

from metrograph.errors import BadRequest, ServiceUnavailable

__all__ = ["ParseChecker"]


def serve() -> None:
    """A checking process's loop, until its standard input closes."""
    from metrograph.sparql import parse_check

    for line in sys.stdin:
        request = json.loads(line)
        try:
            parse_check.check(request["text"], request["prefixes"], request["base_iri"])
            answer = {"kind": "ok", "message": ""}
        except BadRequest as exc:
            answer = {"kind": "refused", "message": exc.message}
        except SyntaxError as exc:
            answer = {"kind": "syntax", "message": str(exc)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


class _Process:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "metrograph.sparql.parse_process"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)

    def ask(self, request: dict[str, Any], timeout: float) -> dict[str, str] | None:
        """The answer, or None when none came within ``timeout`` seconds."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                return None
        line = self.process.stdout.readline()
        if not line:
            raise EOFError("the checking process ended")
        return json.loads(line)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(5)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


class ParseChecker:
    """Up to ``size`` checking processes, started when first needed; thread-safe."""

    def __init__(self, timeout: float, size: int = 2) -> None:
        self.timeout = timeout
        self.size = size
        self._idle: queue.Queue[_Process] = queue.Queue()
        self._started = 0
        self._lock = threading.Lock()

    def _take(self) -> _Process:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._started < self.size:
                self._started += 1
                return _Process()
        try:
            return self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise ServiceUnavailable("the server is checking other costly queries; try again "
                                     "later") from None

    def _drop(self, checker: _Process) -> None:
        checker.stop()
        with self._lock:
            self._started -= 1

    def check(self, text: str, prefixes: dict[str, str] | None = None,
              base_iri: str | None = None) -> None:
        """As :func:`metrograph.sparql.parse_check.check`, within the time limit (else 503)."""
        checker = self._take()
        try:
            answer = checker.ask({"text": text, "prefixes": prefixes, "base_iri": base_iri},
                                 self.timeout)
        except (EOFError, OSError, ValueError):  # the process died (out of memory, killed)
            self._drop(checker)
            raise ServiceUnavailable("checking the query failed; simplify it") from None
        if answer is None:
            self._drop(checker)
            raise ServiceUnavailable(
                f"the query ran longer than the limit of {self.timeout:g} s and was stopped; "
                "simplify it or add a LIMIT")
        self._idle.put(checker)
        if answer["kind"] == "refused":
            raise BadRequest(answer["message"])
        if answer["kind"] == "syntax":
            raise SyntaxError(answer["message"])

    def close(self) -> None:
        while True:
            try:
                self._drop(self._idle.get_nowait())
            except queue.Empty:
                return


if __name__ == "__main__":
    serve()
