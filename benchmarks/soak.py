"""Soak test: thousands of requests at concurrency 16 against our production server.

    python3 benchmarks/soak.py [--requests 6000] [--concurrency 16] [--max-seconds 600]

Serves the last benchmark build (``var/bench/1x``; run ``benchmarks/bench.py`` first, or pass
``--var-dir``) with gunicorn in its production configuration on 127.0.0.1 and sends a bounded
mix: entity pages and RDF, label search, DESCRIBE and catalogue queries (mostly unique, so
caches do not hide the work), and 1 in 100 a deliberately slow query (a cartesian product)
that must be stopped at the time limit with 503 and ``Retry-After``. Server memory (PSS of
the whole process tree) is sampled every two seconds.

Passes (exit 0) when no request fails other than those slow queries' 503s, the fast requests
are not starved while slow ones run (p99 under two seconds, no 503), and memory after the
run is within 25 % of memory after warm-up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } # "


def main(argv: list[str]) -> int:
    common.ensure_project_venv(Path(__file__).resolve(), argv)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=6000)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--max-seconds", type=float, default=600)
    p.add_argument("--query-timeout", type=float, default=3.0)
    p.add_argument("--var-dir", default=str(common.ROOT / "var" / "bench" / "1x" / "var"))
    args = p.parse_args(argv)

    import pyoxigraph as ox

    var_dir = Path(args.var_dir)
    release = (var_dir / "current").resolve()
    memory = ox.Store()
    memory.bulk_load(path=str(release / "release.nq"), format=ox.RdfFormat.N_QUADS)
    base = "https://w3id.org/metrograph/"
    gemeinden = [r[0].value for r in memory.query(
        f"SELECT ?g WHERE {{ ?g a <{base}ontology#Municipality> }}")]
    names = sorted({r[0].value.split(",")[0].split(" ")[0] for r in memory.query(
        f"SELECT ?l WHERE {{ ?g a <{base}ontology#Municipality> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l }")})
    del memory
    rng = random.Random(7)
    plan: list[tuple[str, str, dict[str, str]]] = []
    for i in range(args.requests):
        g = rng.choice(gemeinden)
        kind = rng.choices(["page", "rdf", "search", "describe", "select", "slow"],
                           [30, 20, 20, 15, 14, 1])[0]
        if kind == "page":
            req = ("/" + g[len(base):], {"Accept": "text/html"})
        elif kind == "rdf":
            req = ("/" + g[len(base):], {"Accept": "text/turtle"})
        elif kind == "search":
            req = ("/search.json?q=" + common.quote(rng.choice(names)), {})
        elif kind == "describe":
            req = ("/sparql?query=" + common.quote(f"DESCRIBE <{g}>"), {"Accept": "text/turtle"})
        elif kind == "select":
            req = ("/sparql?query=" + common.quote(
                f"SELECT ?p ?o WHERE {{ <{g}> ?p ?o }} # {i}"), {})
        else:
            req = ("/sparql?query=" + common.quote(SLOW + str(i)), {})
        plan.append((kind, *req))

    logs = var_dir.parent / "logs"
    logs.mkdir(exist_ok=True)
    server = common.start_ours(var_dir, {"query_timeout": args.query_timeout}, log_dir=logs)
    samples: list[tuple[float, float]] = []
    stop = threading.Event()
    results: list[tuple[str, int, float, str]] = []
    lock = threading.Lock()
    position = iter(range(len(plan)))
    try:
        for _ in range(20):  # warm: every gunicorn worker's query processes are up
            common.request(server.url, plan[0][1], plan[0][2])
        started = time.perf_counter()
        deadline = time.monotonic() + args.max_seconds

        def sample() -> None:
            while not stop.is_set():
                samples.append((round(time.perf_counter() - started, 1),
                                server.memory()["pss_mib"]))
                stop.wait(2)

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            while time.monotonic() < deadline:
                with lock:
                    index = next(position, None)
                if index is None:
                    break
                kind, path, headers = plan[index]
                t0 = time.perf_counter()
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    status, retry = response.status, response.getheader("Retry-After") or ""
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                    status, retry = 0, type(exc).__name__
                with lock:
                    results.append((kind, status, time.perf_counter() - t0, retry))
            conn.close()

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        stop.set()
        sampler.join()
        samples.append((round(wall, 1), server.memory()["pss_mib"]))
    finally:
        server.stop()

    report = summarize(results, samples, wall, args)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    common.dump_json(common.ROOT / "benchmarks" / "results" / f"soak-{stamp}.json", report)
    text = render(report)
    (common.ROOT / "benchmarks" / "results" / "latest-soak.md").write_text(text)
    print(text)
    return 0 if report["passed"] else 1


def summarize(results: list[tuple[str, int, float, str]], samples: list[tuple[float, float]],
              wall: float, args: argparse.Namespace) -> dict[str, Any]:
    per_kind: dict[str, dict[str, Any]] = {}
    for kind in sorted({r[0] for r in results}):
        rows = [r for r in results if r[0] == kind]
        lat = sorted(r[2] for r in rows)
        statuses: dict[str, int] = {}
        for r in rows:
            statuses[str(r[1])] = statuses.get(str(r[1]), 0) + 1
        per_kind[kind] = {
            "requests": len(rows), "statuses": statuses,
            "median_ms": round(statistics.median(lat) * 1000, 1),
            "p99_ms": round(lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1000, 1),
            "max_ms": round(lat[-1] * 1000, 1)}
    fast = [r for r in results if r[0] != "slow"]
    errors = [r for r in fast if r[1] not in (200, 304)]
    slow_bad = [r for r in results if r[0] == "slow" and not (r[1] == 503 and r[3])]
    fast_lat = sorted(r[2] for r in fast)
    p99 = fast_lat[min(len(fast_lat) - 1, int(0.99 * len(fast_lat)))] if fast_lat else 0
    warm = samples[0][1] if samples else 0
    last = samples[-1][1] if samples else 0
    growth = (last - warm) / warm if warm else 0
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": common.machine(), "requests": len(results), "planned": args.requests,
        "concurrency": args.concurrency, "query_timeout": args.query_timeout,
        "wall_seconds": round(wall, 1), "throughput_rps": round(len(results) / wall, 1),
        "per_kind": per_kind, "fast_errors": len(errors),
        "fast_error_samples": [f"{k} {s} {x}" for k, s, _, x in errors[:5]],
        "slow_not_503_with_retry_after": len(slow_bad), "fast_p99_ms": round(p99 * 1000, 1),
        "memory_pss_mib": {"after_warmup": warm, "end": last,
                           "max": max((s[1] for s in samples), default=0),
                           "growth": round(growth, 3)},
        "memory_samples": samples,
        "passed": not errors and not slow_bad and p99 < 2.0 and growth < 0.25,
    }


def render(r: dict[str, Any]) -> str:
    lines = [f"# Soak: {r['requests']} requests at concurrency {r['concurrency']}", "",
             f"{r['date']}, {r['machine']}; query_timeout {r['query_timeout']} s; "
             f"{r['wall_seconds']} s, {r['throughput_rps']} requests/s.", "",
             "| kind | requests | statuses | median ms | p99 ms | max ms |", "|---|---|---|---|---|---|"]
    for kind, k in r["per_kind"].items():
        lines.append(f"| {kind} | {k['requests']} | {k['statuses']} | {k['median_ms']} | "
                     f"{k['p99_ms']} | {k['max_ms']} |")
    m = r["memory_pss_mib"]
    lines += ["", f"* Errors on fast requests: {r['fast_errors']} {r['fast_error_samples']}",
              f"* Slow queries not answered 503 + Retry-After: {r['slow_not_503_with_retry_after']}",
              f"* Fast requests p99 while slow ones ran: {r['fast_p99_ms']} ms",
              f"* Memory (PSS, process tree): {m['after_warmup']} MiB after warm-up, "
              f"{m['end']} MiB at the end, max {m['max']} MiB (growth {m['growth']:+.1%})",
              f"* Result: {'PASSED' if r['passed'] else 'FAILED'}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
