"""Shared helpers of the benchmark, soak and scale commands (standard library only).

Servers are started on 127.0.0.1 only. Our server runs in its production configuration
(gunicorn through :func:`metrograph.serving.run`); the peer is the Oxigraph server from PyPI
(the ``oxigraph`` wheel), installed into ``.venv-bench/`` so the project's own environment
stays clean.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_VENV = ROOT / ".venv-bench"
PROJECT_VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


def ensure_project_venv(script: Path, argv: Sequence[str]) -> None:
    """Re-run ``script`` inside the project's virtual environment (created on first use)."""
    if Path(sys.prefix).resolve() == (ROOT / ".venv").resolve():
        return
    sys.path.insert(0, str(ROOT))
    from metrograph.__main__ import ensure_venv

    python = ensure_venv()
    os.execv(str(python), [str(python), str(script), *argv])


def ensure_peer(version: str) -> Path:
    """The ``oxigraph`` server binary of the same version as pyoxigraph, in .venv-bench/."""
    binary = BENCH_VENV / "bin" / "oxigraph"
    if binary.exists():
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout
        if version in out:
            return binary
    if not (BENCH_VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    subprocess.run([str(BENCH_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", f"oxigraph=={version}"], check=True)
    return binary


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_measured(cmd: Sequence[str], log: Path, env: dict[str, str] | None = None,
                 cwd: Path = ROOT) -> dict[str, float]:
    """Run a command to completion; wall seconds and peak RSS (MiB) of the process."""
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(list(cmd), stdout=out, stderr=subprocess.STDOUT, env=env,
                                   cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({process.returncode}); see {log}:\n"
                           + log.read_text(errors="replace")[-3000:])
    return {"seconds": round(seconds, 2), "max_rss_mib": round(usage.ru_maxrss / 1024, 1)}


def du_mib(path: Path) -> float:
    total = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
    return round(total / 2**20, 1)


# --- servers -----------------------------------------------------------------------------------


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


# a benchmark stopped with kill (SIGTERM) runs its finally blocks, which stop the servers and
# stores it started (otherwise they outlive it, holding memory and ports)
signal.signal(signal.SIGTERM, _exit_on_sigterm)


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    log: Any

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stop(self) -> None:
        from metrograph import local_server

        local_server.stop(self.process, self.log)

    def memory(self) -> dict[str, float]:
        return tree_memory(self.process.pid)


def _wait_ready(server: Server, probe: str, timeout: float) -> Server:
    deadline = time.monotonic() + timeout
    while True:
        try:
            status, _, _ = request(server.url, probe, timeout=30)
            if status == 200:
                return server
        except OSError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"{server.name} did not start; see {server.log.name}")
        time.sleep(0.2)


def start_ours(var_dir: Path, settings: dict[str, Any] | None = None, timeout: float = 300,
               log_dir: Path | None = None) -> Server:
    """``metrograph serve`` in production configuration (gunicorn) on a free port."""
    from metrograph import local_server

    port_log = Path(log_dir or var_dir) / f"ours-{time.monotonic_ns()}.log"
    try:
        ours = local_server.start(var_dir, settings, python=PROJECT_VENV_PYTHON,
                                  log_path=port_log, timeout=timeout)
    except RuntimeError as exc:
        raise RuntimeError(f"ours did not start; see {port_log}") from exc
    return Server("ours", ours.url, ours.process, ours.log)


def start_peer(binary: Path, location: Path, log_dir: Path, timeout: float = 120) -> Server:
    port = free_port()
    log = (log_dir / f"peer-{port}.log").open("wb")
    process = subprocess.Popen(
        [str(binary), "serve-read-only", "--location", str(location),
         "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    return _wait_ready(Server("peer", f"http://127.0.0.1:{port}", process, log),
                       "/query?query=ASK%7B%7D", timeout)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def tree_memory(pid: int) -> dict[str, float]:
    """RSS and PSS (MiB) summed over a process and all its descendants."""
    rss = pss = 0
    count = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        todo += _children(current)
        try:
            with open(f"/proc/{current}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
            count += 1
        except OSError:
            pass
    return {"rss_mib": round(rss / 1024, 1), "pss_mib": round(pss / 1024, 1),
            "processes": count}


# --- HTTP client -------------------------------------------------------------------------------

def request(url: str, path: str, headers: dict[str, str] | None = None,
            timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@dataclass
class Batch:
    """Latencies of one batch of requests (seconds) and what went wrong."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    wall: float = 0.0
    error_samples: list[str] = field(default_factory=list)

    def merge(self, other: Batch) -> None:
        self.latencies += other.latencies
        for k, v in other.statuses.items():
            self.statuses[k] = self.statuses.get(k, 0) + v
        self.errors += other.errors
        self.wall += other.wall
        self.error_samples += other.error_samples[: max(0, 5 - len(self.error_samples))]

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies)
        n = len(lat)
        return {
            "requests": n,
            "median_ms": round(statistics.median(lat) * 1000, 2) if n else None,
            "p95_ms": round(lat[min(n - 1, int(0.95 * n))] * 1000, 2) if n else None,
            "throughput_rps": round(n / self.wall, 1) if self.wall else None,
            "errors": self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


Request = tuple[str, dict[str, str]]  # (path with query string, headers)


def run_batch(url: str, requests: Sequence[Request], concurrency: int,
              ok: Callable[[int], bool] = lambda s: s in (200, 304),
              timeout: float = 120) -> Batch:
    """Send ``requests`` with ``concurrency`` keep-alive connections; time each one."""
    parts = urllib.parse.urlsplit(url)
    batch = Batch()
    lock = threading.Lock()
    position = iter(range(len(requests)))

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        local = Batch()
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                break
            path, headers = requests[index]
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
                local.errors += 1
                local.error_samples.append(f"{type(exc).__name__}: {exc}")
                local.latencies.append(time.perf_counter() - started)
                continue
            local.latencies.append(time.perf_counter() - started)
            local.statuses[status] = local.statuses.get(status, 0) + 1
            if not ok(status):
                local.errors += 1
                if len(local.error_samples) < 5:
                    local.error_samples.append(f"{status} {path[:120]}")
        conn.close()
        with lock:
            batch.merge(local)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    batch.wall = time.perf_counter() - started
    return batch


def quote(query: str) -> str:
    return urllib.parse.quote(query, safe="")


def machine() -> str:
    cpus = os.cpu_count()
    try:
        with open("/proc/meminfo") as fh:
            mem = int(fh.readline().split()[1]) / 2**20
    except OSError:
        mem = 0
    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")),
                         "")
    except OSError:
        pass
    return f"{cpus} cores, {mem:.0f} GiB" + (f" ({model})" if model else "")


def dump_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
