"""What the safety limits cost and bound, measured on our production server.

    python3 benchmarks/hardening_probe.py [--var-dir var] [--seconds 12] [--slow-clients 16]

Serves a built release (default: the repository's ``var/``) with gunicorn twice, with the
express lane on (``express_workers=1``) and off (``0``), and for each:

* **cheap under load** — ``--slow-clients`` threads keep sending unique slow queries (a
  cartesian count, stopped at the time limit) while one client sends unique ``ASK`` point
  queries every 0.2 s; prints the ASK latencies (median, p95, max) and their ratio off/on;
* **a runaway query** — a 921-byte ``CONCAT`` doubling chain: status, message and the whole
  server tree's PSS before and after (``query_memory_mb`` stops it);
* **an overlong request line** — 16 MiB sent as a request line: status and seconds to refuse.

Requests go only to 127.0.0.1 and every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contextlib

import common

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } # "
DOUBLING = ("SELECT (STRLEN(?x26) AS ?n) WHERE { BIND('0123456789abcdef' AS ?x0) "
            + " ".join(f"BIND(CONCAT(?x{i},?x{i}) AS ?x{i + 1})" for i in range(26)) + " }")


def cheap_under_load(url: str, seconds: float, slow_clients: int) -> list[float]:
    stop = time.monotonic() + seconds
    counter = iter(range(10**9))

    def slow() -> None:
        while time.monotonic() < stop:
            path = "/sparql?query=" + common.quote(SLOW + str(next(counter)))
            with contextlib.suppress(OSError):
                common.request(url, path, timeout=60)

    threads = [threading.Thread(target=slow, daemon=True) for _ in range(slow_clients)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # let the slow ones fill the general lane
    latencies = []
    n = 0
    while time.monotonic() < stop:
        n += 1
        query = f"ASK {{ <https://w3id.org/metrograph/id/kreis/03358> ?p ?o }} # {n}"
        started = time.perf_counter()
        status, _, _ = common.request(url, "/sparql?query=" + common.quote(query), timeout=60)
        latencies.append((time.perf_counter() - started) * 1000 if status == 200 else float("inf"))
        time.sleep(0.2)
    for thread in threads:
        thread.join(70)
    return latencies


def runaway(server: common.Server) -> tuple[int, str, float, float]:
    before = server.memory()["pss_mib"]
    status, _, body = common.request(server.url, "/sparql?query=" + common.quote(DOUBLING),
                                     timeout=60)
    time.sleep(1.0)
    return status, body.decode("utf-8", "replace").strip()[:90], before, server.memory()["pss_mib"]


def overlong_line(server: common.Server) -> tuple[str, float]:
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(b"GET /sparql?query=" + b"A" * (16 * 2**20) + b" HTTP/1.1\r\n\r\n")
        try:
            answer = sock.recv(200)
        except OSError:
            answer = b""
    first = answer.split(b"\r\n", 1)[0].decode("latin-1") or "(connection closed)"
    return first, time.perf_counter() - started


def main(argv: list[str]) -> int:
    common.ensure_project_venv(Path(__file__).resolve(), argv)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--var-dir", default=str(common.ROOT / "var"))
    p.add_argument("--seconds", type=float, default=12.0)
    p.add_argument("--slow-clients", type=int, default=16)
    args = p.parse_args(argv)
    print(f"machine: {common.machine()}")
    medians = {}
    for express in (1, 0):
        server = common.start_ours(Path(args.var_dir), {"express_workers": express,
                                                        "query_timeout": 5})
        try:
            latencies = sorted(cheap_under_load(server.url, args.seconds, args.slow_clients))
            p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
            medians[express] = statistics.median(latencies)
            print(f"express_workers={express}: ASK under {args.slow_clients} slow clients, "
                  f"{len(latencies)} requests: median {medians[express]:.1f} ms, "
                  f"p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms")
            if express:
                status, message, before, after = runaway(server)
                print(f"runaway CONCAT chain: {status} {message!r}; server PSS {before:.0f} -> "
                      f"{after:.0f} MiB")
                line, seconds = overlong_line(server)
                print(f"16 MiB request line: {line!r} after {seconds:.2f} s")
        finally:
            server.stop()
    if medians.get(1):
        print(f"ratio of ASK medians, lane off / on: {medians[0] / medians[1]:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
