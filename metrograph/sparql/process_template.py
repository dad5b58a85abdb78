"""A template process that loads the release once and forks query workers from itself.

Loading the release into memory takes seconds; forking a process that already holds it takes
milliseconds, and the children share the loaded store copy-on-write. So a worker killed at the
time limit is replaced at once, and N workers cost about one copy of the store, not N.

The template is a fresh interpreter (never forked from the server, which may hold other
stores and threads). Before anything else it moves into a network namespace of its own where
the kernel allows it; its children inherit that. It forks only from its main thread while
idle, and reaps its children itself (SIGCHLD ignored), so they never linger as zombies.

With ``query_store = disk`` the template loads nothing: each child opens the release's on-disk
store read-only after the fork (RocksDB handles are not shared across a fork). Slower queries,
but memory no longer grows with the release — the choice for releases too large to hold in
memory once per server process.

Protocol on a Unix socket pair: the server sends ``(release path, meta, prefixes, query
store)`` once and
receives ``("ready", isolated)``; then each ``"fork"`` gets back the child's pid as text with the
server ends of the child's job and reply pipes attached (SCM_RIGHTS).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from metrograph.errors import ConfigError
from metrograph.release import folders

_PACKAGE_PARENT = Path(__file__).resolve().parents[2]
_MAX_MESSAGE = 1 << 20
#: values of the ``query_store`` setting
QUERY_STORES = ("memory", "disk")


def _send(sock: socket.socket, obj: Any, fds: list[int] | None = None) -> None:
    data = pickle.dumps(obj)
    header = len(data).to_bytes(4, "big")
    if fds:
        socket.send_fds(sock, [header + data], fds)
    else:
        sock.sendall(header + data)


def _recv(sock: socket.socket, want_fds: int = 0) -> tuple[Any, list[int]]:
    if want_fds:
        data, fds, _flags, _addr = socket.recv_fds(sock, _MAX_MESSAGE, want_fds)
    else:
        data, fds = sock.recv(_MAX_MESSAGE), []
    if not data:
        raise EOFError("the other side closed the socket")
    size = int.from_bytes(data[:4], "big")
    while len(data) < size + 4:
        more = sock.recv(_MAX_MESSAGE)
        if not more:
            raise EOFError("the other side closed the socket")
        data += more
    return pickle.loads(data[4:4 + size]), list(fds)


# --- inside the template process ---------------------------------------------------------------

def template_entry() -> None:
    """``python -c`` entry point: argv[1] is the template's end of the socket pair."""
    from metrograph.sparql import evaluation

    sock = socket.socket(fileno=int(sys.argv[1]))
    isolated = evaluation.isolate_network()  # first, while still single-threaded
    evaluation.exit_with_parent()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps our children
    import pyoxigraph as ox

    (release_path, release_meta, prefixes, query_store), _ = _recv(sock)
    release = folders.Release(Path(release_path), release_meta)
    db = None if query_store == "disk" else folders.load_in_memory(release)
    _send(sock, ("ready", isolated))
    while True:
        try:
            command, _ = _recv(sock)
        except (EOFError, OSError):
            return  # the server process is gone
        if command != "fork":
            continue
        job_r, job_w = os.pipe()
        reply_r, reply_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: serve queries on the inherited store until told otherwise
            try:
                sock.close()
                os.close(job_w)
                os.close(reply_r)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                evaluation.exit_with_parent()  # the template; it exits with the server
                if db is None:
                    db = folders.open_read_only(release)
                evaluation.serve_jobs(db, ox, prefixes, Connection(job_r, writable=False),
                                  Connection(reply_w, readable=False))
            finally:
                os._exit(0)
        os.close(job_r)
        os.close(reply_w)
        try:
            _send(sock, pid, [job_w, reply_r])
        finally:
            os.close(job_w)
            os.close(reply_r)


# --- in the server process ---------------------------------------------------------------------

class ForkedProcess:
    """The part of ``subprocess.Popen`` the pool uses, for a child of the template."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def poll(self) -> int | None:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return -signal.SIGKILL
        try:  # a zombie still answers kill(0)
            if Path(f"/proc/{self.pid}/stat").read_text().split()[2] == "Z":
                return -signal.SIGKILL
        except (OSError, IndexError):
            pass
        return None

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0)
            time.sleep(0.01)
        return -signal.SIGKILL


class Template:
    """Server side of the template process: start it, fork workers from it, stop it."""

    def __init__(self, release: folders.Release, prefixes: dict[str, str],
                 query_store: str = "memory") -> None:
        self._lock = threading.Lock()
        self.isolated = False
        self.process: subprocess.Popen | None = None
        self._sock: socket.socket | None = None
        self._release = release
        self._prefixes = prefixes
        if query_store not in QUERY_STORES:
            raise ConfigError(f"query_store must be one of {', '.join(QUERY_STORES)}, not "
                              f"{query_store!r}")
        self._query_store = query_store

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(_PACKAGE_PARENT), env.get("PYTHONPATH", "")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "from metrograph.sparql.process_template import template_entry; "
                 "template_entry()", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env)
        finally:
            theirs.close()
        _send(ours, (str(self._release.path), self._release.meta, self._prefixes,
                     self._query_store))
        (tag, isolated), _ = _recv(ours)
        self.isolated = bool(isolated) and tag == "ready"
        self._sock = ours

    def fork(self) -> tuple[ForkedProcess, Connection, Connection]:
        """A new worker holding the loaded store (starts the template on first use)."""
        with self._lock:
            for attempt in range(2):
                try:
                    if self._sock is None or self.process is None or self.process.poll() is not None:
                        self._stop()
                        self._start()
                    assert self._sock is not None
                    _send(self._sock, "fork")
                    pid, fds = _recv(self._sock, want_fds=2)
                    job_w, reply_r = fds
                    return (ForkedProcess(pid), Connection(job_w, readable=False),
                            Connection(reply_r, writable=False))
                except (EOFError, OSError, ValueError):
                    self._stop()
                    if attempt:
                        raise
            raise AssertionError("unreachable")  # pragma: no cover

    def _stop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait(10)
            self.process = None

    def close(self) -> None:
        with self._lock:
            self._stop()
