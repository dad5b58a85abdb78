"""``metrograph serve`` (gunicorn, the production configuration) in a child process on a free
127.0.0.1 port: what the tests, the benchmarks and scripts start when they need a real server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = ["LocalServer", "free_port", "start", "stop"]

ROOT = Path(__file__).resolve().parent.parent
_SERVE = ("import sys; from metrograph import config, serving; "
          "sys.argv = ['metrograph-serve']; sys.exit(serving.run(config.load()))")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalServer:
    url: str
    process: subprocess.Popen
    log_path: Path
    log: IO[bytes]

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stop(self) -> None:
        stop(self.process, self.log)


def stop(process: subprocess.Popen, log: IO[bytes]) -> None:
    """SIGTERM (gunicorn's graceful stop), SIGKILL after 20 s; then close the log."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    log.close()


def start(var_dir: Path, settings: dict[str, Any] | None = None, *,
          python: str | Path = sys.executable, log_path: Path | None = None,
          probe: str = "/sparql?query=ASK%7B%7D", timeout: float = 120) -> LocalServer:
    """Serve the release in ``var_dir`` with ``settings`` (as environment variables); return
    once ``probe`` answers 200. RuntimeError with the server's log if it never does."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.update({f"METROGRAPH_{k.upper()}": str(v) for k, v in {
        **(settings or {}), "var_dir": var_dir, "host": "127.0.0.1", "port": port}.items()})
    log_path = log_path or Path(var_dir) / f"server-{port}.log"
    log = log_path.open("wb")
    process = subprocess.Popen([str(python), "-c", _SERVE], env=env, cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT)
    server = LocalServer(f"http://127.0.0.1:{port}", process, log_path, log)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(server.url + probe, timeout=30) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError("server did not start:\n" + log_path.read_text())
        time.sleep(0.2)
