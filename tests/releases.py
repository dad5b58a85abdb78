"""A second release for publish/roll-back tests, derived from the real build in seconds.

``derive_release`` keeps some named graphs of a built release, recomputes their union (the
default graph) and writes a release folder with its own id. The build products that serving
reads (search index, dumps, VoID, SHACL report, the on-disk store) are copied from the source
release unchanged: only the remote backend serves a derived release, and it reads the data
from the store it was published to.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from metrograph.release import folders


def derive_release(var_dir: Path, source: folders.Release, keep: set[str]) -> folders.Release:
    """A release holding only the named graphs ``keep`` of ``source``."""
    quads = [q for q in ox.parse(path=str(source.path / folders.DUMP_FILENAME),
                                 format=ox.RdfFormat.N_QUADS)
             if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in keep]
    union = sorted({f"{q.subject} {q.predicate} {q.object} .\n" for q in quads})
    lines = sorted(f"{q} .\n" for q in quads) + union
    data = "".join(lines).encode("utf-8")
    release_id = "derived-" + hashlib.sha256(data).hexdigest()[:8]
    folder = Path(var_dir) / "releases" / release_id
    if folder.exists():
        return folders.release_at(folder)
    staging = Path(var_dir) / "releases" / f".tmp-{release_id}"
    shutil.copytree(source.path, staging, symlinks=True)
    (staging / folders.DUMP_FILENAME).write_bytes(data)
    counts = Counter(q.graph_name.value for q in quads)
    counts["(default graph: union)"] = len(union)
    meta = {**source.meta, "release_id": release_id, "quads": len(lines),
            "counts": {**source.meta.get("counts", {}), "graphs": dict(sorted(counts.items()))}}
    (staging / folders.META_FILENAME).write_text(json.dumps(meta, indent=2, sort_keys=True))
    staging.rename(folder)
    return folders.release_at(folder)
