"""The growth table: the newest ``bench.py`` result of each scale side by side (Markdown).

    python3 benchmarks/scale_table.py          # after bench.py --scale 1, 10, 100 ...

Reads ``benchmarks/results/bench-<N>x-*.json`` (the newest per scale and query store) and
prints build, memory, sizes, start-up and the median latency of every row (unique requests,
concurrency 1), ours and the peer's. Standard library only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def newest(results: Path = RESULTS) -> list[dict[str, Any]]:
    """The newest report per (scale, query store), ordered by scale."""
    chosen: dict[tuple[int, str], tuple[str, dict[str, Any]]] = {}
    for path in results.glob("bench-*x-*.json"):
        report = json.loads(path.read_text())
        key = (int(report["scale"]), report.get("query_store", "memory"))
        if key not in chosen or path.name > chosen[key][0]:
            chosen[key] = (path.name, report)
    return [chosen[k][1] for k in sorted(chosen)]


def _gb(mib: float | None) -> str:
    return "–" if mib is None else f"{mib / 1024:.1f}"


def table(reports: list[dict[str, Any]]) -> str:
    head = [f"{r['scale']}× ({r.get('query_store', 'memory')})" for r in reports]
    lines = ["| | " + " | ".join(head) + " |", "|---" * (len(reports) + 1) + "|"]

    def row(name: str, values: list[Any]) -> None:
        lines.append(f"| {name} | " + " | ".join(str(v) for v in values) + " |")

    row("quads (named graphs)", [f"{r['release']['quads']:,}" for r in reports])
    row("build or assemble, s", [r.get("build", {}).get("seconds", "–") for r in reports])
    row("… peak RSS, GB", [_gb(r.get("build", {}).get("max_rss_mib")) for r in reports])
    row("release.nq, MiB", [r["release"]["release_nq_mib"] for r in reports])
    row("RocksDB store, MiB", [r["release"]["store_mib"] for r in reports])
    row("ours: start-up until first answer, s", [r["ours_startup_s"] for r in reports])
    row("ours: memory after the run (PSS), GB",
        [_gb(r["memory_after"]["ours"]["pss_mib"]) for r in reports])
    row("peer: `oxigraph load`, s", [r.get("peer_load", {}).get("seconds", "–") for r in reports])
    row("peer: start-up, s", [r["peer_startup_s"] for r in reports])
    row("peer: memory after the run (PSS), GB",
        [_gb(r["memory_after"]["peer"]["pss_mib"]) for r in reports])
    names = [e["row"] for e in reports[0]["results"]
             if e["mode"] == "unique" and e["concurrency"] == 1]
    for name in names:
        cells = []
        for r in reports:
            e = next((e for e in r["results"] if e["row"] == name and e["mode"] == "unique"
                      and e["concurrency"] == 1), None)
            peer = (e or {}).get("peer") or {}
            cells.append("–" if e is None else
                         f"{e['ours']['median_ms']} / {peer.get('median_ms', '–')}")
        row(f"{name}, ms (ours / peer)", cells)
    errors = [sum(e["ours"]["errors"] for e in r["results"]) for r in reports]
    row("errors on our side", errors)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(table(newest()))
