"""Label search in-process on a large release's index: what autocomplete asks, as typed.

    python3 benchmarks/search_probe.py 100 [--index PATH] [--words 60]

Opens the search index of ``var/bench/<N>x/var/current`` (or ``--index``) the way the server
does and times :meth:`SearchIndex.search` (limit 20) for: whole words (Gemeinde names sampled
over the whole index), every one-letter key, two- and three-letter prefixes, each prefix of a
word as it is typed (4–8 letters), inner substrings, and prefixes with a ``type=`` filter.
Each query runs twice: first on a freshly opened index (pages the OS may still have cached,
SQLite's own cache empty), then again. Writes ``benchmarks/results/search-<N>x-<time>.json``
and prints median / p95 / max per kind of query.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

RESULTS = common.ROOT / "benchmarks" / "results"


def _words(index: Path, n: int, seed: int) -> list[str]:
    """First words (4+ letters) of Gemeinde labels spread over the whole index."""
    db = sqlite3.connect(index.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        first, last = db.execute(
            "SELECT MIN(id), MAX(id) FROM entity WHERE kind = 'gemeinde'").fetchone()
        rng = random.Random(seed)
        words = []
        while len(words) < n:
            (label,) = db.execute("SELECT label FROM entity WHERE id = ?",
                                  (rng.randint(first, last),)).fetchone()
            word = re.split(r"[,(/ -]", label)[0]
            if len(word) >= 4 and word.isalpha() and word not in words:
                words.append(word)
        return words
    finally:
        db.close()


def queries(words: list[str]) -> dict[str, list[tuple[str, str | None]]]:
    """(query, kind filter) per kind of query."""
    lower = [w.lower() for w in words]
    inner = [w[1:4] for w in lower] + [w[2:7] for w in lower if len(w) >= 7]
    return {
        "whole words": [(w, None) for w in words],
        "1 letter": [(c, None) for c in "abcdefghijklmnopqrstuvwxyzäöü"],
        "2-letter prefixes": sorted({(w[:2], None) for w in lower}),
        "3-letter prefixes": sorted({(w[:3], None) for w in lower}),
        "4-8 letters, as typed": sorted({(w[:n], None) for w in lower for n in range(4, 9)
                                         if n <= len(w)}),
        "inner substrings": sorted({(s, None) for s in inner}),
        "prefixes, type=kreis": sorted({(w[:n], "kreis") for w in lower for n in (1, 2, 3)}),
        "prefixes, type=gemeinde": sorted({(w[:n], "gemeinde") for w in lower for n in (1, 2, 3)}),
    }


def _time(index: Any, batch: list[tuple[str, str | None]]) -> list[float]:
    out = []
    for query, kind in batch:
        started = time.perf_counter()
        index.search(query, limit=20, kind=kind)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"n": len(ordered), "median": round(statistics.median(ordered), 2),
            "p95": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2),
            "max": round(ordered[-1], 2)}


def main(argv: list[str]) -> int:
    common.ensure_project_venv(Path(__file__).resolve(), argv)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("scale", type=int)
    p.add_argument("--index", type=Path, help="default: the current release's search.sqlite")
    p.add_argument("--words", type=int, default=60)
    args = p.parse_args(argv)
    sys.path.insert(0, str(common.ROOT))
    from metrograph.store.label_search import SearchIndex

    path = args.index or (common.ROOT / "var" / "bench" / f"{args.scale}x" / "var" / "current"
                          / "search.sqlite")
    batches = queries(_words(path, args.words, args.scale))
    index = SearchIndex(path)
    report: dict[str, Any] = {
        "scale": args.scale, "machine": common.machine(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "index_mib": round(path.stat().st_size / 2**20, 1), "planned": index.planned,
        "entities": index._db.execute("SELECT COUNT(*) FROM entity").fetchone()[0],
        "first": {}, "again": {}}
    for name, batch in batches.items():
        report["first"][name] = _summary(_time(index, batch))
    for name, batch in batches.items():
        report["again"][name] = _summary(_time(index, batch))
    index.close()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    common.dump_json(RESULTS / f"search-{args.scale}x-{stamp}.json", report)
    print(f"{report['entities']:,} entities, index {report['index_mib']} MiB, "
          f"planned layout: {report['planned']}")
    print("| queries | n | first: median / p95 / max ms | again: median / p95 / max ms |")
    print("|---|---|---|---|")
    for name in batches:
        a, b = report["first"][name], report["again"][name]
        print(f"| {name} | {a['n']} | {a['median']} / {a['p95']} / {a['max']} "
              f"| {b['median']} / {b['p95']} / {b['max']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
