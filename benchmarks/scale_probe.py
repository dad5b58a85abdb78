"""A bounded probe of our server alone on a large release (where loading the peer too would
take longer than the run is worth): start-up, memory and the latency of the cheap rows.

    python3 benchmarks/scale_probe.py 100 [--query-store disk] [--requests 60] [--catalogue N]
                                          [--backend remote]

Uses the release ``benchmarks/assemble.py`` made in ``var/bench/<N>x/var``; starts our server
in its production configuration on 127.0.0.1 and sends unique (never repeated) requests at
concurrency 1: label search (``/search.json``: whole words, and one to three letters as
typed), entity pages (HTML and Turtle), ``DESCRIBE`` through ``/sparql`` and the catalogue
query "Gemeinden of a Kreis". With ``--backend remote`` the release is first published into
a private Virtuoso (``virtuoso_backend.py``) and our server queries that. Writes
``benchmarks/results/probe-<N>x[-remote]-<time>.json`` and prints a summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

RESULTS = common.ROOT / "benchmarks" / "results"


def _samples(release: Path, base: str, n: int) -> dict[str, list[str]]:
    """Gemeinden, Kreise and search words spread over the whole release (from its index)."""
    import sqlite3

    db = sqlite3.connect((release / "search.sqlite").resolve().as_uri() + "?mode=ro", uri=True)
    rng = random.Random(n)
    out: dict[str, list[str]] = {}
    for kind in ("gemeinde", "kreis"):
        (count,) = db.execute("SELECT COUNT(*) FROM entity WHERE kind = ?", (kind,)).fetchone()
        picks = sorted(rng.sample(range(count), min(n, count)))
        out[kind] = [db.execute("SELECT iri FROM entity WHERE kind = ? ORDER BY id LIMIT 1 "
                                "OFFSET ?", (kind, i)).fetchone()[0] for i in picks]
    labels = [db.execute("SELECT label FROM entity WHERE iri = ?", (iri,)).fetchone()[0]
              for iri in out["gemeinde"]]
    out["words"] = [w for w in (re.split(r"[,(/ ]", label)[0] for label in labels)
                    if len(w) >= 4 and w.isalpha()]
    db.close()
    for items in out.values():
        rng.shuffle(items)
    return out


def main(argv: list[str]) -> int:
    common.ensure_project_venv(Path(__file__).resolve(), argv)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("scale", type=int)
    p.add_argument("--query-store", choices=("memory", "disk"), default="disk")
    p.add_argument("--requests", type=int, default=60, help="requests per row")
    p.add_argument("--catalogue", type=int, default=0,
                   help="requests for the catalogue row (default: a quarter; at 100x each "
                        "takes about a minute)")
    p.add_argument("--backend", choices=("embedded", "remote"), default="embedded")
    args = p.parse_args(argv)
    work = common.ROOT / "var" / "bench" / f"{args.scale}x"
    release = (work / "var" / "current").resolve()
    meta = json.loads((release / "release.json").read_text())
    base = meta["base_iri"]
    picks = _samples(release, base, args.requests)
    cat_23 = (common.ROOT / "queries" / "23-gemeinden-of-kreis-in-regions.rq").read_text()
    cat_23 = "\n".join(ln for ln in cat_23.splitlines() if not ln.startswith("#+"))

    def path_of(iri: str) -> str:
        return "/" + iri[len(base):]

    def describe(iri: str) -> str:
        return "/sparql?query=" + common.quote(f"DESCRIBE <{iri}>")

    def gemeinden_of(kreis: str) -> str:
        text = cat_23.replace("VALUES ?kreis { kreis:03157 }", f"VALUES ?kreis {{ <{kreis}> }}")
        from metrograph.model import namespaces
        return "/sparql?query=" + common.quote(namespaces.sparql_prologue(base) + text)

    rows = {
        "label search (/search.json)": [(f"/search.json?q={common.quote(w)}&limit=10", {})
                                        for w in picks["words"]],
        # autocomplete as typed: the first one, two and three letters of the words (unique)
        "label search, 1-3 letters": [
            (f"/search.json?q={common.quote(key)}&limit=10", {}) for key in dict.fromkeys(
                w[:n].lower() for w in picks["words"] for n in (1, 2, 3))],
        "entity page (HTML)": [(path_of(g), {"Accept": "text/html"}) for g in picks["gemeinde"]],
        "entity RDF (Turtle)": [(path_of(g), {"Accept": "text/turtle"})
                                for g in picks["gemeinde"]],
        "DESCRIBE via SPARQL": [(describe(g), {"Accept": "text/turtle"})
                                for g in picks["gemeinde"]],
        "catalogue: Gemeinden of a Kreis": [
            (gemeinden_of(k), {"Accept": "application/sparql-results+json"})
            for k in picks["kreis"][:args.catalogue or max(4, args.requests // 4)]],
    }
    report: dict[str, Any] = {
        "scale": args.scale, "query_store": args.query_store, "machine": common.machine(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "release": {"id": meta["release_id"], "quads": meta["quads"],
                    "step_seconds": meta.get("step_seconds"),
                    "store_mib": common.du_mib(release / "store"),
                    "search_mib": round((release / "search.sqlite").stat().st_size / 2**20, 1),
                    "release_nq_mib": round((release / "release.nq").stat().st_size / 2**20, 1)}}
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    store_settings: dict[str, Any] = {}
    virtuoso = None
    report["backend"] = args.backend
    if args.backend == "remote":
        import virtuoso_backend

        print("starting Virtuoso and publishing the release into it ...", flush=True)
        virtuoso, store_settings, report["remote"] = virtuoso_backend.start(work / "var",
                                                                            args.scale)
        print(f"  {report['remote']}", flush=True)
    started = time.perf_counter()
    ours = common.start_ours(work / "var", {"query_store": args.query_store,
                                            "query_timeout": 300, **store_settings},
                             log_dir=logs)
    report["ours_startup_s"] = round(time.perf_counter() - started, 2)
    try:
        report["memory_before"] = ours.memory()
        report["results"] = {}
        for name, requests in rows.items():
            common.run_batch(ours.url, requests[:2], 1)  # warm-up (these two are not timed)
            batch = common.run_batch(ours.url, requests[2:], 1, timeout=600)
            report["results"][name] = batch.summary()
            print(f"  {name:36} {report['results'][name]}", flush=True)
        report["memory_after"] = ours.memory()
        if virtuoso is not None:
            report["remote"]["virtuoso_rss_mib"] = round(virtuoso.rss_bytes() / 2**20)
    finally:
        ours.stop()
        if virtuoso is not None:
            virtuoso.stop()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "-remote" if args.backend == "remote" else ""
    common.dump_json(RESULTS / f"probe-{args.scale}x{suffix}-{stamp}.json", report)
    print(json.dumps({k: report[k] for k in ("ours_startup_s", "memory_before", "memory_after")}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
