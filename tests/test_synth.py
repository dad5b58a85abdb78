"""The benchmark's synthetic data: every line once (a release is a set; publish counts it)."""

from __future__ import annotations

import io
import sys

from servers import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import synth


def test_a_replica_writes_no_line_twice():
    """Replica 23 of the 100x data drew one Gemeinde's region membership twice (a Kreis can
    be sampled twice); its six lines were written twice, and the store's counts could not
    match the release's."""
    out = io.StringIO()
    writer = synth.Writer(out, synth.BASE, 100)
    synth.replica_quads(writer, 23)
    lines = out.getvalue().splitlines()
    assert len(lines) > 300_000
    assert len(lines) == len(set(lines))
    assert sum(writer.graphs.values()) == len(lines)
