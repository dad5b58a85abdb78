"""The synthetic data as input of the *real* build (small factors only; see synth.py).

    .venv/bin/python benchmarks/synth_project.py 2      # → var/bench/2x/project
    METROGRAPH_PROJECT_DIR=var/bench/2x/project .venv/bin/metrograph --var-dir var/bench/2x/var build

The project folder links the real ``ontology/``, ``shapes/``, ``queries/`` and ``data/`` files
(never changed) and adds one ``data/statements/synthetic-<F>x-<part>.ttl`` per synthetic graph
(N-Triples is Turtle), so the build validates and loads them like any source document.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import synth
from synth import BASE, NQ_FILENAME, ROOT


def graph_lines(path: Path) -> Iterator[tuple[str, str]]:
    """(graph IRI, N-Triples line) for each line of a synthetic N-Quads file."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            head, _, graph = line[:-3].rpartition(" ")
            yield graph[1:-1], head + " .\n"


def ensure_project(factor: int, work: Path, base: str = BASE) -> Path:
    """A project folder for the *real* build: the real inputs (linked, never changed) plus one
    ``data/statements/synthetic-<F>x-<part>.ttl`` per part (N-Triples is Turtle)."""
    meta = synth.write(factor, work, base)
    project = Path(work) / "project"
    stamp = project / ".synthetic"
    if stamp.exists() and stamp.read_text() == json.dumps(meta, sort_keys=True):
        return project
    if project.exists():
        shutil.rmtree(project)
    (project / "data" / "statements").mkdir(parents=True)
    for name in ("ontology", "shapes", "queries"):
        (project / name).symlink_to(ROOT / name)
    for item in (ROOT / "data").iterdir():
        if item.name != "statements":
            (project / "data" / item.name).symlink_to(item)
    for item in (ROOT / "data" / "statements").iterdir():
        (project / "data" / "statements" / item.name).symlink_to(item)
    files: dict[str, TextIO] = {}
    try:
        for graph, line in graph_lines(Path(work) / NQ_FILENAME):
            out = files.get(graph)
            if out is None:
                name = graph.rsplit("/", 1)[1]
                out = files[graph] = (project / "data" / "statements" / f"{name}.ttl").open(
                    "w", encoding="utf-8")
            out.write(line)
    finally:
        for out in files.values():
            out.close()
    stamp.write_text(json.dumps(meta, sort_keys=True))
    return project


if __name__ == "__main__":
    factor = int(sys.argv[1])
    print(ensure_project(factor, ROOT / "var" / "bench" / f"{factor}x"))
