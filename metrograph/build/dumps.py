"""Downloadable dumps of a release, written at build time into ``<release>/dumps/``.

=================================  ===========================================================
``metrograph-<release>.nq.gz``     N-Quads, one named graph per source document (provenance):
                                   exactly the canonical N-Quads the release id is computed
                                   from, so ``sha256`` of the *decompressed* file starts with
                                   the release id
``metrograph-<release>.ttl.gz``    Turtle of the default graph, the set-union of all graphs
``SHA256SUMS``                     ``sha256sum -c`` format, over the ``.gz`` files as served
``dumps.json``                     name, media type, bytes, sha256, statements per file
=================================  ===========================================================

gzip is a *file* format here, not a transfer encoding: the files are served as
``application/gzip`` with their name, never with ``Content-Encoding``. Output is reproducible:
no timestamp or file name in the gzip header, sorted lines, sorted prefixes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from metrograph.model import namespaces as ns

__all__ = ["DUMPS_DIRNAME", "SUMS_FILENAME", "Dump", "read_dumps", "write_dumps"]

DUMPS_DIRNAME = "dumps"
SUMS_FILENAME = "SHA256SUMS"
INDEX_FILENAME = "dumps.json"
#: zlib level: 6 (the default) compresses the N-Quads ~30x in ~2 s; zlib runs without the GIL,
#: so the build does it while SHACL validates.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Dump:
    name: str  # file name under dumps/
    format: str  # "nq" or "ttl"
    media_type: str  # of the decompressed content
    bytes: int  # size of the .gz file
    sha256: str  # of the .gz file
    content_sha256: str  # of the decompressed content
    statements: int  # quads (nq) or triples (ttl)
    description: str

    @property
    def alias(self) -> str:
        return f"latest.{self.format}.gz"


def dump_name(release_id: str, fmt: str) -> str:
    return f"metrograph-{release_id}.{fmt}.gz"


def triple_lines(nquad_lines: Sequence[bytes]) -> list[bytes]:
    """N-Triples lines of the union: the graph term dropped, duplicates removed, order kept."""
    triples = []
    for line in nquad_lines:
        end = line.rindex(b" <", 0, len(line) - 2)  # the graph IRI is the last term
        triples.append(line[:end] + b" .")
    return list(dict.fromkeys(triples))


def turtle_of(ntriples: bytes, base: str) -> bytes:
    """Turtle with our prefixes, in a stable order (the serializer's own order is not)."""
    text = ox.serialize(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES),
                        format=ox.RdfFormat.TURTLE, prefixes=ns.prefixes(base))
    lines = text.split(b"\n")
    head = 0
    while head < len(lines) and lines[head].startswith(b"@prefix "):
        head += 1
    return b"\n".join(sorted(lines[:head]) + lines[head:])


def _write_gz(path: Path, data: bytes) -> tuple[int, str]:
    packed = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(packed)
    os.replace(tmp, path)
    return len(packed), hashlib.sha256(packed).hexdigest()


def write_dumps(release_dir: Path, release_id: str, nquads: bytes, base: str,
                union_lines: Sequence[bytes] | None = None) -> list[Dump]:
    """Write the dumps of a release from its canonical N-Quads (named graphs, sorted lines);
    ``union_lines`` (:func:`triple_lines` of them) if the caller has them already."""
    folder = Path(release_dir) / DUMPS_DIRNAME
    folder.mkdir(parents=True, exist_ok=True)
    lines = [line for line in nquads.split(b"\n") if line]
    if union_lines is None:
        union_lines = triple_lines(lines)
    triples = b"\n".join(union_lines) + b"\n"
    turtle = turtle_of(triples, base)
    dumps = []
    for fmt, media_type, content, statements, description in (
        ("nq", "application/n-quads", nquads, len(lines),
         "N-Quads: every named graph (one per source document) with its statements"),
        ("ttl", "text/turtle", turtle, triples.count(b"\n"),
         "Turtle: the default graph, the union of all named graphs"),
    ):
        name = dump_name(release_id, fmt)
        size, digest = _write_gz(folder / name, content)
        dumps.append(Dump(name, fmt, media_type, size, digest,
                          hashlib.sha256(content).hexdigest(), statements, description))
    (folder / SUMS_FILENAME).write_text("".join(f"{d.sha256}  {d.name}\n" for d in dumps))
    (folder / INDEX_FILENAME).write_text(json.dumps(
        {"release_id": release_id, "dumps": [asdict(d) for d in dumps]}, indent=2) + "\n")
    return dumps


def read_dumps(release_dir: Path) -> list[Dump]:
    """The dumps a release has (empty if it was built without them)."""
    index = Path(release_dir) / DUMPS_DIRNAME / INDEX_FILENAME
    try:
        data: dict[str, Any] = json.loads(index.read_text())
    except (OSError, ValueError):
        return []
    return [Dump(**d) for d in data.get("dumps", [])]
