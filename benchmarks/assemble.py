"""A servable release at scale: the real release plus synthetic N-Quads, assembled by streaming.

    python3 benchmarks/assemble.py 100 [--no-store]    # → var/bench/100x/var/current

The real build keeps every quad as a Python object and validates an rdflib copy (2.3 GB peak at
1×), so it cannot build 100× the data on a 24 GiB machine. This step does not build anything
again: it takes the release the real build made from ``data/`` (``var/bench/1x/var/current``,
built first if missing) and the synthetic quads of ``benchmarks/synth.py``, and writes a new
release folder line by line, without a Python object per quad:

* ``release.nq`` — the real named graphs, the synthetic ones, then the real default graph
  (union) and the synthetic triples without their graph (each synthetic triple is in exactly
  one graph and mentions only synthetic subjects, so the union stays a set);
* ``search.sqlite`` — :func:`metrograph.build.search_index.build_index` over the named-graph lines, read
  from the file as they stream past;
* ``store/`` — pyoxigraph's bulk loader reads that file (Rust, bounded memory); the last
  step, since at 100× it takes longest;
* ``release.json`` — the real counts plus the synthetic ones, ``synthetic`` describing the
  factor and seed; ``sparql-examples.ttl`` is copied (it does not depend on the data).

Honestly left out: SHACL (the real part passed it in the real build; the synthetic part is
not validated at scale — ``synth_project.py`` feeds it to the real build at small factors,
where it fails one shape by design: synthetic Kreise get no NUTS-3 code or Wikidata link,
since inventing those would point into real code spaces), the catalogue smoke run, VoID/DCAT
and the dumps (those pages answer 503 on such a release). The release id is the SHA-256 of
the named-graph lines as written (the real canonical lines, then the synthetic ones in
generation order — deterministic, not re-sorted).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
import synth

REAL_VAR = common.ROOT / "var" / "bench" / "1x" / "var"


def _named_lines(path: Path, named: int) -> Iterator[bytes]:
    """The first ``named`` lines of a release.nq (its named graphs), without newlines."""
    with path.open("rb") as lines:
        for n, line in enumerate(lines):
            if n >= named:
                return
            yield line[:-1]


def _write_release_nq(real: Path, real_named: int, synthetic: Path, out: BinaryIO) -> str:
    """Write the assembled ``release.nq``; return the hash of its named-graph part."""
    digest = hashlib.sha256()
    with real.open("rb") as source:
        for n, line in enumerate(source):
            if n == real_named:
                union = [line]
                break
            digest.update(line)
            out.write(line)
        else:
            union = []
        with synthetic.open("rb") as extra:
            for block in iter(lambda: extra.read(1 << 22), b""):
                digest.update(block)
                out.write(block)
        out.writelines(union)
        shutil.copyfileobj(source, out, 1 << 22)
    with synthetic.open("rb") as extra:
        for line in extra:
            out.write(line[:line.rindex(b" <", 0, len(line) - 3)] + b" .\n")
    return digest.hexdigest()[:16]


def assemble(factor: int, work: Path, real_var: Path = REAL_VAR,
             with_store: bool = True) -> dict[str, Any]:
    """Assemble the ``factor``× release into ``work/var`` and make it current there
    (``with_store=False``: its RocksDB store left empty, for the remote backend only)."""
    sys.path.insert(0, str(common.ROOT))
    import pyoxigraph as ox

    from metrograph.build import search_index as search_build
    from metrograph.release import folders
    from metrograph.store import label_search as search

    real = folders.current_release(real_var)
    base = real.meta["base_iri"]
    timings: dict[str, float] = {}
    mark = time.monotonic()

    def lap(step: str) -> None:
        nonlocal mark
        timings[step] = round(time.monotonic() - mark, 2)
        mark = time.monotonic()

    meta_synth = synth.write(factor, work, base)
    lap("generate")
    staging = folders.new_staging_dir(work / "var")
    try:
        dump = staging / folders.DUMP_FILENAME
        named = real.meta["quads"] + meta_synth["quads"]
        with dump.open("wb") as out:
            rid = _write_release_nq(real.path / folders.DUMP_FILENAME, real.meta["quads"],
                                    work / synth.NQ_FILENAME, out)
        lap("write release.nq")
        entities = search_build.build_index(_named_lines(dump, named), base,
                                            staging / search.INDEX_FILENAME, rid)
        print(f"search index written: {staging / search.INDEX_FILENAME}", flush=True)
        lap("search index")
        # the store last: at 100x it is by far the longest step. Without it, an empty store
        # (a release has one; release.json says "store": false)
        db = ox.Store(str(staging / folders.STORE_DIRNAME))
        if with_store:
            db.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
            db.optimize()
        db.flush()
        del db
        lap("store")
        shutil.copy(real.path / "sparql-examples.ttl", staging / "sparql-examples.ttl")
        counts = {key: dict(sorted((Counter(real.meta["counts"][key])
                                    + Counter(meta_synth[key])).items()))
                  for key in ("graphs", "classes")}
        meta = {"release_id": rid, "base_iri": base,
                "built_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "quads": named, "counts": counts, "shacl_conforms": None,
                "step_seconds": timings, "search_entities": entities,
                "synthetic": {"factor": factor, "seed": meta_synth["seed"],
                              "quads": meta_synth["quads"], "real_release": real.id,
                              "store": with_store,
                              "note": "assembled by benchmarks/assemble.py: the real release "
                                      "plus synthetic test data; the synthetic part is not "
                                      "SHACL-validated, no dumps or VoID"}}
        release = folders.publish(staging, meta, work / "var")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return release.meta


def ensure_real(real_var: Path = REAL_VAR) -> None:
    """Build the real release into ``real_var`` if there is none."""
    if not (real_var / "current").exists():
        subprocess.run([str(common.ROOT / ".venv" / "bin" / "metrograph"), "--var-dir",
                        str(real_var), "build"], check=True)


def main(argv: list[str]) -> int:
    common.ensure_project_venv(Path(__file__).resolve(), argv)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("factor", type=int)
    p.add_argument("--work", type=Path, help="default var/bench/<factor>x/")
    p.add_argument("--no-store", action="store_true",
                   help="leave the RocksDB store empty (loading it takes ~17 min and 16 GB at "
                        "100x): the release can then only be served by the remote backend")
    args = p.parse_args(argv)
    ensure_real()
    meta = assemble(args.factor, args.work or common.ROOT / "var" / "bench" / f"{args.factor}x",
                    with_store=not args.no_store)
    print(json.dumps({k: meta[k] for k in ("release_id", "quads", "step_seconds")}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
