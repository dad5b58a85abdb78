"""Writing the label search index (``search.sqlite``) of a release.

The layout serves :class:`metrograph.store.label_search.SearchIndex`, which answers every query by
reading a bounded amount of the index, however large the graph:

* entity ids follow the ranking order (kind, label length, label, IRI), so "best first" within
  one kind of match is "lowest id first", every kind is one id range, and label ids (given in
  entity order) are ranked the same way;
* ``term`` holds a search form of each label from the start of each of its words; the range
  of a key prefix is read through a covering index;
* a *heavy* prefix — one whose range has more than ``heavy_rows`` rows (``b``, ``stadt``,
  ``synthetic 12`` on big graphs) — is not scanned at query time: ``top_hit`` holds its best
  :data:`MAX_LIMIT` hits, overall and per kind, computed here in one pass over ``term`` in
  entity order;
* ``substring`` (FTS5 trigrams) has rowids in label order, so a substring query read in rowid
  order yields the best entities first and can stop after the first few.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox

from metrograph.store.label_search import (
    KIND_RANK,
    KINDS,
    LABEL_PROPERTIES,
    LANGUAGES,
    LAYOUT,
    MAX_LIMIT,
    NOT_IN_SITEMAP,
    RDF_TYPE,
    RDFS_LABEL,
    RDFS_SUBCLASS,
    TOP,
    forms,
    has_page,
    is_indexed,
    kind_of,
)

__all__ = ["HEAVY_ROWS", "build_index"]

#: A key prefix whose term range has more rows than this gets precomputed hits.
HEAVY_ROWS = 1000

SCHEMA = """
-- ids in ranking order: kind rank, kind, label length, label, IRI
CREATE TABLE entity (
    id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
    kind_rank INTEGER NOT NULL, label TEXT NOT NULL, type_label TEXT NOT NULL);
-- every label and the IRI's last segment, ids in entity order
CREATE TABLE label (id INTEGER PRIMARY KEY, entity INTEGER NOT NULL, text TEXT NOT NULL);
-- key: a search form of a label from the start of one of its words; pos 0: the whole label
-- (or the name before its first comma, or the IRI's last segment)
CREATE TABLE term (key TEXT NOT NULL, pos INTEGER NOT NULL, entity INTEGER NOT NULL,
    label INTEGER NOT NULL);
-- rowid = 2 × label id + form (umlauts expanded, plain)
CREATE VIRTUAL TABLE substring USING fts5(key, entity UNINDEXED, tokenize='trigram');
-- the best hits of each heavy prefix; kind '' is all kinds. rank: exact 0, prefix 1, word 2
CREATE TABLE top_hit (prefix TEXT NOT NULL, kind TEXT NOT NULL, n INTEGER NOT NULL,
    entity INTEGER NOT NULL, rank INTEGER NOT NULL, label INTEGER NOT NULL,
    PRIMARY KEY (prefix, kind, n)) WITHOUT ROWID;
-- each kind's entity and label id range
CREATE TABLE kind_range (kind TEXT PRIMARY KEY, first_entity INTEGER, last_entity INTEGER,
    first_label INTEGER, last_label INTEGER) WITHOUT ROWID;
CREATE TABLE page (iri TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE info (name TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
"""
#: Written after the rows: one sorted pass instead of index updates per insert.
TERM_INDEX = "CREATE INDEX term_key ON term (key, pos, entity, label)"

_PARSE_BATCH = 200_000


def build_index(nquad_lines: Iterable[bytes], base: str, path: Path, release_id: str = "",
                heavy_rows: int = HEAVY_ROWS) -> int:
    """Write the search index to ``path`` (replacing it); return the number of entities.

    ``nquad_lines`` are the release's named-graph quads as N-Quads lines without line ends
    (the canonical dump). They are read once, in order, so they may stream from a file: only
    the IRIs that can have a page and the label and type lines of those are kept, and rows
    go to SQLite in batches (a release 100× ours fits in a few GB).
    """
    labels, types, supers, pages = _read(nquad_lines, base)
    class_label: dict[str, str] = {}
    for cls in {c for cs in types.values() for c in cs}:
        candidates = labels.get(cls) or {}
        german = sorted(t for (p, lang, t) in candidates if p == RDFS_LABEL and lang == "de")
        if german:
            class_label[cls] = german[0]
    entities = []
    for iri, stated in labels.items():
        kind = kind_of(iri, base) or ""
        shown = min(stated, key=lambda k: (*_label_rank(k[0], k[1]), -stated[k], k[2]))[2]
        entities.append((KIND_RANK.get(kind, len(KINDS)), kind, len(shown), shown, iri))
    entities.sort()

    tmp = path.with_name(path.name + f".tmp-{os.getpid()}-{threading.get_ident()}")
    tmp.unlink(missing_ok=True)
    try:
        _write(tmp, labels, types, supers, class_label, pages, entities, base, release_id,
               heavy_rows)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    return len(entities)


def _write(tmp: Path, labels: dict[str, Counter[tuple[str, str, str]]],
           types: dict[str, set[str]], supers: dict[str, set[str]], class_label: dict[str, str],
           pages: set[str], entities: list[tuple[int, str, int, str, str]], base: str,
           release_id: str, heavy_rows: int) -> None:
    db = sqlite3.connect(tmp)
    try:
        db.executescript(SCHEMA)
        rows = _Rows(db)
        label_id = 0
        ranges: dict[str, list[int]] = {}
        for entity_id, (kind_rank, kind, _, shown, iri) in enumerate(entities, start=1):
            type_label = _type_label(types.get(iri, set()), supers, class_label, kind)
            rows.add("entity", (entity_id, iri, kind, kind_rank, shown, type_label))
            first_label = label_id + 1
            stated = labels.pop(iri)
            slug = re.split(r"[/#]", iri[len(base):])[-1]
            for text in [*sorted({t for (_, _, t) in stated}), slug]:
                label_id += 1
                rows.add("label", (label_id, entity_id, text))
                keys: set[tuple[str, int]] = set()
                for form_no, form in enumerate(sorted(forms(text))):
                    rows.add("substring", (2 * label_id + form_no, form, entity_id))
                    starts = [0] + [m.end() for m in re.finditer(" ", form)]
                    keys.update((form[pos:], pos) for pos in starts)
                if text is not slug and "," in text:  # "Peine, Stadt": the name is "Peine"
                    keys.update((name, 0) for name in forms(text.split(",", 1)[0]))
                for key, pos in sorted(keys):
                    rows.add("term", (key, pos, entity_id, label_id))
            span = ranges.setdefault(kind, [entity_id, entity_id, first_label, label_id])
            span[1], span[3] = entity_id, label_id
        rows.flush()
        db.execute(TERM_INDEX)
        db.executemany("INSERT INTO kind_range VALUES (?,?,?,?,?)",
                       [(kind, *span) for kind, span in ranges.items()])
        _write_top_hits(db, heavy_rows, ranges)
        db.executemany("INSERT INTO page VALUES (?)", ((p,) for p in sorted(pages)))
        db.executemany("INSERT INTO info VALUES (?,?)",
                       [("base_iri", base), ("release_id", release_id),
                        ("entities", str(len(entities))), ("pages", str(len(pages))),
                        ("layout", LAYOUT), ("heavy_rows", str(heavy_rows))])
        db.execute("INSERT INTO substring(substring) VALUES ('optimize')")
        db.commit()
    finally:
        db.close()


def _read(nquad_lines: Iterable[bytes], base: str) -> tuple[
        dict[str, Counter[tuple[str, str, str]]], dict[str, set[str]], dict[str, set[str]],
        set[str]]:
    """Labels and types of the indexed IRIs, superclasses, and every IRI with a page."""
    labels: dict[str, Counter[tuple[str, str, str]]] = defaultdict(Counter)
    types: dict[str, set[str]] = defaultdict(set)
    supers: dict[str, set[str]] = defaultdict(set)
    # pick what the index needs from the lines before parsing: much faster than building a
    # Python object for every quad. Of IRIs with a fragment only ontology terms can be
    # indexed (figures, geometries, intervals cannot), so the others are not kept at all.
    subject_prefix = b"<" + base.encode()
    ontology_prefix = subject_prefix + b"ontology"
    subclass = b"<" + RDFS_SUBCLASS.encode() + b">"
    wanted = {b"<" + p.encode() + b">" for p in (*LABEL_PROPERTIES, RDF_TYPE, RDFS_SUBCLASS)}

    def may_have_page(iri: bytes) -> bool:
        return b"#" not in iri or iri.startswith(ontology_prefix)

    mentioned: set[bytes] = set()
    kept: list[bytes] = []
    for line in nquad_lines:
        subject, predicate, rest = line.split(b" ", 2)
        graph = rest[rest.rindex(b" <", 0, len(rest) - 2) + 1:-2]
        mentioned.add(graph)
        if rest.startswith(subject_prefix):
            obj = rest[:rest.index(b">") + 1]
            if may_have_page(obj):
                mentioned.add(obj)
        if subject.startswith(subject_prefix) and may_have_page(subject):
            mentioned.add(subject)
            if predicate in wanted:
                kept.append(line)
        elif predicate == subclass and subject.startswith(subject_prefix):
            kept.append(line)
    ours = [iri for iri in (m[1:-1].decode() for m in mentioned) if iri.startswith(base)]
    del mentioned
    pages = {iri for iri in ours
             if has_page(iri, base) and kind_of(iri, base) not in NOT_IN_SITEMAP}
    indexed = {iri for iri in ours if is_indexed(iri, base)}
    del ours
    for start in range(0, len(kept), _PARSE_BATCH):
        chunk = b"\n".join(kept[start:start + _PARSE_BATCH])
        for q in ox.parse(chunk, format=ox.RdfFormat.N_QUADS):
            iri, p = q.subject.value, q.predicate.value
            if p == RDFS_SUBCLASS:
                supers[iri].add(q.object.value)
            if iri not in indexed:
                continue
            if p == RDF_TYPE:
                types[iri].add(q.object.value)
            elif p in LABEL_PROPERTIES and isinstance(q.object, ox.Literal):
                # SQLite's length() stops at a NUL: without it, both sides rank alike
                text = q.object.value.replace("\0", "")
                labels[iri][(p, q.object.language or "", text)] += 1
    return labels, types, supers, pages


def _heavy_prefixes(db: sqlite3.Connection, heavy_rows: int) -> Iterator[str]:
    """Every key prefix whose term range has more than ``heavy_rows`` rows, level by level
    (a heavy prefix's parent is heavy, so each level only looks inside the last one's)."""
    level = [""]
    length = 0
    while level:
        length += 1
        found = []
        for parent in level:
            found += [p for (p,) in db.execute(
                "SELECT substr(key, 1, :n) AS p FROM term WHERE key >= :lo AND key < :hi "
                "AND length(key) >= :n GROUP BY p HAVING count(*) > :heavy",
                {"n": length, "lo": parent, "hi": parent + TOP, "heavy": heavy_rows})]
        yield from found
        level = found


class _Best:
    """The best hits of one prefix (for one kind or all), filled in entity order: the first
    MAX_LIMIT entities with an exact match, with a match at a label's start, and at a word's
    start, each with the first label that matched."""

    __slots__ = ("exact", "start", "word")

    def __init__(self) -> None:
        self.exact: list[tuple[int, int]] = []
        self.start: list[tuple[int, int]] = []
        self.word: list[tuple[int, int]] = []

    @staticmethod
    def add(hits: list[tuple[int, int]], entity: int, label: int) -> None:
        if len(hits) < MAX_LIMIT and (not hits or hits[-1][0] != entity):
            hits.append((entity, label))

    def ranked(self) -> list[tuple[int, int, int]]:
        """(entity, rank, label), best first. Each list is complete if shorter than the
        limit; a later list is only needed when the earlier ones are complete."""
        out = [(e, 0, label) for e, label in self.exact]
        seen = {e for e, _ in self.exact}
        out += [(e, 1, label) for e, label in self.start if e not in seen]
        if len(self.start) < MAX_LIMIT:
            seen.update(e for e, _ in self.start)
            out += [(e, 2, label) for e, label in self.word if e not in seen]
        return out[:MAX_LIMIT]


def _write_top_hits(db: sqlite3.Connection, heavy_rows: int,
                    ranges: dict[str, list[int]]) -> None:
    """The ``top_hit`` rows of every heavy prefix, from one pass over ``term`` in entity order."""
    heavy: dict[str, dict[str, _Best]] = {p: {} for p in _heavy_prefixes(db, heavy_rows)}
    if not heavy:
        return
    bounds = sorted((span[0], span[1], kind) for kind, span in ranges.items())
    kind_no, (_, last, kind) = 0, bounds[0]
    for key, pos, entity, label in db.execute(
            "SELECT key, pos, entity, label FROM term ORDER BY rowid"):
        while entity > last:
            kind_no += 1
            _, last, kind = bounds[kind_no]
        for length in range(1, len(key) + 1):
            best = heavy.get(key[:length])
            if best is None:
                break
            for hits in (best.get("") or best.setdefault("", _Best()),
                         best.get(kind) or best.setdefault(kind, _Best())):
                if pos:
                    hits.add(hits.word, entity, label)
                else:
                    if length == len(key):
                        hits.add(hits.exact, entity, label)
                    hits.add(hits.start, entity, label)
    # a folded query never ends in a space: such prefixes only lead to longer ones
    db.executemany("INSERT INTO top_hit VALUES (?,?,?,?,?,?)",
                   ((prefix, kind, n, entity, rank, label)
                    for prefix, by_kind in heavy.items() if not prefix.endswith(" ")
                    for kind, best in by_kind.items()
                    for n, (entity, rank, label) in enumerate(best.ranked(), start=1)))


class _Rows:
    """Rows for the index tables, inserted in batches (each table's rows in order)."""

    SQL: ClassVar[dict[str, str]] = {
        "entity": "INSERT INTO entity VALUES (?,?,?,?,?,?)",
        "label": "INSERT INTO label VALUES (?,?,?)",
        "term": "INSERT INTO term VALUES (?,?,?,?)",
        "substring": "INSERT INTO substring (rowid, key, entity) VALUES (?,?,?)"}
    BATCH = 100_000

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.pending: dict[str, list[tuple]] = {name: [] for name in self.SQL}

    def add(self, table: str, row: tuple) -> None:
        pending = self.pending[table]
        pending.append(row)
        if len(pending) >= self.BATCH:
            self.db.executemany(self.SQL[table], pending)
            pending.clear()

    def flush(self) -> None:
        for table, pending in self.pending.items():
            self.db.executemany(self.SQL[table], pending)
            pending.clear()


def _label_rank(predicate: str, language: str) -> tuple[int, int]:
    lang_rank = LANGUAGES.index(language) if language in LANGUAGES else len(LANGUAGES)
    return LABEL_PROPERTIES.index(predicate), lang_rank


def _type_label(classes: set[str], supers: dict[str, set[str]], class_label: dict[str, str],
                kind: str) -> str:
    """The German label of the most specific labelled class, else the kind's name."""
    labelled = [c for c in classes if c in class_label]
    inherited = {s for c in labelled for s in supers.get(c, ())}
    specific = sorted((c for c in labelled if c not in inherited), key=lambda c: class_label[c])
    if specific:
        return class_label[specific[0]]
    for name, german, _ in KINDS:
        if name == kind:
            return german
    return kind
