"""Label search: an SQLite index written at build time, queried by the web layer.

The build calls :func:`build_index` with the release's quads; it writes ``search.sqlite`` into
the release folder. The server opens it once per process (:class:`SearchIndex`, read-only,
immutable) and answers ``/search`` from it. SQLite and its FTS5 trigram tokenizer come with
Python's standard library.

What is indexed: every resource under the base IRI that has a label (``rdfs:label``,
``skos:prefLabel``, ``skos:altLabel``, ``schema:name``) and a page of its own (no ``#`` part,
except the ontology's terms; no membership claims or named graphs), plus the last segment of
its IRI (``hbgw``, ``03358``), so slugs and official codes are found too. The index also lists
every IRI that has a page (for the sitemap).

Matching is case- and accent-insensitive and knows German spelling: ``ä ö ü`` match ``ae oe
ue`` and plain ``a o u``, ``ß`` matches ``ss``; punctuation counts as a space. Ranking, best
first:

1. match quality: the whole label (or the name before its first comma: "Peine" is the name
   of "Peine, Stadt") equals the query; a label starts with the query; a word in the label
   starts with the query; the query occurs inside a label (queries of three or more
   characters);
2. kind of resource (:data:`KINDS`): metropolitan regions, networks, organisations, Länder,
   Regierungsbezirke, Kreise, Gemeindeverbände, …, Gemeinden last;
3. shorter label first, then alphabetical; then the IRI.

So "Peine" gives the Landkreis Peine (label "Peine") before the Gemeinde "Peine, Stadt": both
match exactly, and Kreise rank before Gemeinden.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

import pyoxigraph as ox

from metrograph import namespaces as ns
from metrograph.entities import path_for_iri

__all__ = ["INDEX_FILENAME", "KINDS", "MAX_QUERY_CHARS", "Hit", "SearchIndex", "build_index",
           "fold", "page_path"]

INDEX_FILENAME = "search.sqlite"
#: Longest query accepted (characters); longer ones are refused by the web layer.
MAX_QUERY_CHARS = 200
#: Most results one request may ask for.
MAX_LIMIT = 100

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SKOS = "http://www.w3.org/2004/02/skos/core#"
#: Label properties in order of preference for the label shown.
LABEL_PROPERTIES = (RDFS_LABEL, SKOS + "prefLabel", "https://schema.org/name", SKOS + "altLabel")
LANGUAGES = ("de", "en", "")

#: Kinds of resource in ranking order: (kind, German name, English name). The kind is the
#: path segment under ``id/`` (``id/kreis/03358`` is a ``kreis``) or the top-level path.
KINDS: tuple[tuple[str, str, str], ...] = (
    ("region", "Metropolregion", "metropolitan region"),
    ("network", "Netzwerk", "network"),
    ("organisation", "Organisation", "organisation"),
    ("land", "Land", "federal state"),
    ("regierungsbezirk", "Regierungsbezirk", "government region"),
    ("kreis", "Kreis", "district"),
    ("gemeindeverband", "Gemeindeverband", "municipal association"),
    ("person", "Person", "person"),
    ("post", "Amt", "post"),
    ("event", "Ereignis", "event"),
    ("document", "Dokument", "document"),
    ("theme", "Thema", "theme"),
    ("place", "Ort", "place"),
    ("contact", "Kontakt", "contact"),
    ("role", "Rolle", "role"),
    ("status", "Status", "status"),
    ("source", "Quelldokument", "source document"),
    ("dataset", "Datensatz", "dataset"),
    ("ontology", "Ontologie", "ontology"),
    ("gemeinde", "Gemeinde", "municipality"),
)
KIND_RANK = {kind: rank for rank, (kind, _, _) in enumerate(KINDS)}
#: ``type=`` also accepts our CURIE prefixes (``regbez``, ``verband``, ``doc``).
KIND_ALIASES = {prefix: path.removeprefix("id/").rstrip("/")
                for prefix, path in ns.OWN_PREFIXES.items() if path.startswith("id/")}
#: Resources that are not entities with a page of their own (claims, parts of documents).
NOT_INDEXED = {"membership", "graph"}

_EXPAND = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NON_WORD = re.compile(r"[\W_]+")
_TOP = "\U0010ffff"


def _strip_marks(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str, expand_umlauts: bool = True) -> str:
    """The search form of a text: case-folded, ``ä``→``ae`` (or ``a``), no accents, no
    punctuation, single spaces."""
    folded = unicodedata.normalize("NFC", text).casefold()
    if expand_umlauts:
        folded = folded.translate(_EXPAND)
    return _NON_WORD.sub(" ", _strip_marks(folded)).strip()


def forms(text: str) -> set[str]:
    """Both search forms of a text (umlauts expanded and plain); empty forms dropped."""
    return {f for f in (fold(text, True), fold(text, False)) if f}


def kind_of(iri: str, base: str) -> str | None:
    """The kind of one of our resources (``kreis``, ``source``, ``ontology``, …), or None."""
    if not iri.startswith(base):
        return None
    rest = iri[len(base):]
    if rest.startswith("id/"):
        return rest[3:].split("/", 1)[0] or None
    return re.split(r"[/#]", rest, maxsplit=1)[0] or None


def has_page(iri: str, base: str) -> bool:
    """Whether the resource is dereferenced to a page of its own (``/id/kreis/03358``)."""
    return "#" not in iri and path_for_iri(base, iri) is not None


def is_indexed(iri: str, base: str) -> bool:
    """Whether the search finds the resource: it has a page (or is an ontology term) and is
    an entity, not a membership claim or a named graph."""
    kind = kind_of(iri, base)
    if kind is None or kind in NOT_INDEXED:
        return False
    return has_page(iri, base) or (kind == "ontology" and path_for_iri(base, iri) is not None)


def page_path(iri: str, base: str) -> str:
    """The server path of one of our IRIs: ``<base>id/kreis/03358`` → ``/id/kreis/03358``."""
    return quote(path_for_iri(base, iri) or "/" + iri[len(base):], safe="/#:.-_~@!$&'()*+,;=")


@dataclass(frozen=True)
class Hit:
    iri: str
    path: str
    label: str
    kind: str
    type_label: str
    match: str  # exact, prefix, word, substring
    matched_label: str

    def as_json(self) -> dict[str, str]:
        return {"iri": self.iri, "path": self.path, "label": self.label, "kind": self.kind,
                "type": self.type_label, "match": self.match, "matched": self.matched_label}


MATCHES = ("exact", "prefix", "word", "substring")
#: Keys up to this length are answered from the precomputed ``short_hit`` table.
SHORT_KEY = 2
#: The ranking of :meth:`SearchIndex.search`, per one- and two-character prefix, in one pass.
SHORT_HITS = """
INSERT INTO short_hit
WITH prefixed(prefix, label, rank) AS (
    SELECT substr(key, 1, 1), label,
           CASE WHEN pos = 0 AND length(key) = 1 THEN 0 WHEN pos = 0 THEN 1 ELSE 2 END
    FROM term
    UNION ALL
    SELECT substr(key, 1, 2), label,
           CASE WHEN pos = 0 AND length(key) = 2 THEN 0 WHEN pos = 0 THEN 1 ELSE 2 END
    FROM term WHERE length(key) >= 2),
best(prefix, entity, rank, text) AS (
    SELECT p.prefix, l.entity, MIN(p.rank), l.text
    FROM prefixed p JOIN label l ON l.id = p.label GROUP BY p.prefix, l.entity),
ranked(prefix, n, entity, rank, text) AS (
    SELECT b.prefix, ROW_NUMBER() OVER (PARTITION BY b.prefix ORDER BY b.rank, e.kind_rank,
           length(e.label), e.label, e.iri), b.entity, b.rank, b.text
    FROM best b JOIN entity e ON e.id = b.entity)
SELECT prefix, n, entity, rank, text FROM ranked WHERE n <= :limit
"""

SCHEMA = """
CREATE TABLE entity (
    id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
    kind_rank INTEGER NOT NULL, label TEXT NOT NULL, type_label TEXT NOT NULL);
CREATE TABLE label (id INTEGER PRIMARY KEY, entity INTEGER NOT NULL, text TEXT NOT NULL);
-- key: a search form of a label from the start of one of its words; pos 0: the whole label
-- (or the name before its first comma, or the IRI's last segment)
CREATE TABLE term (key TEXT NOT NULL, label INTEGER NOT NULL, pos INTEGER NOT NULL);
CREATE INDEX term_key ON term (key);
CREATE VIRTUAL TABLE substring USING fts5(key, label UNINDEXED, tokenize='trigram');
-- the best MAX_LIMIT hits of every one- and two-character key, in ranking order: a scan of
-- the term range of so short a key reads a large part of the index on big graphs
CREATE TABLE short_hit (prefix TEXT NOT NULL, n INTEGER NOT NULL, entity INTEGER NOT NULL,
    rank INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (prefix, n)) WITHOUT ROWID;
CREATE TABLE page (iri TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE info (name TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
"""


def _label_rank(predicate: str, language: str) -> tuple[int, int]:
    lang_rank = LANGUAGES.index(language) if language in LANGUAGES else len(LANGUAGES)
    return LABEL_PROPERTIES.index(predicate), lang_rank


def build_index(nquad_lines: Iterable[bytes], base: str, path: Path,
                release_id: str = "") -> int:
    """Write the search index to ``path`` (replacing it); return the number of entities.

    ``nquad_lines`` are the release's named-graph quads as N-Quads lines without line ends
    (the canonical dump). They are read once, in order, so they may stream from a file: only
    the IRIs that can have a page and the label and type lines of those are kept, and rows
    go to SQLite in batches (a release 100× ours fits in a few GB).
    """
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
    pages = {iri for iri in ours if has_page(iri, base)}
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
            elif isinstance(q.object, ox.Literal):
                labels[iri][(p, q.object.language or "", q.object.value)] += 1
    del kept, indexed

    class_label: dict[str, str] = {}
    for cls in {c for cs in types.values() for c in cs}:
        candidates = labels.get(cls) or {}
        german = sorted(t for (p, lang, t) in candidates if p == RDFS_LABEL and lang == "de")
        if german:
            class_label[cls] = german[0]

    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript(SCHEMA)
        rows = _Rows(db)
        label_id = entity_id = 0
        for entity_id, iri in enumerate(sorted(labels), start=1):
            kind = kind_of(iri, base) or ""
            stated = labels[iri]
            shown = min(stated, key=lambda k: (*_label_rank(k[0], k[1]), -stated[k], k[2]))[2]
            rows.add("entity", (entity_id, iri, kind, KIND_RANK.get(kind, len(KINDS)), shown,
                                _type_label(types.get(iri, set()), supers, class_label, kind)))
            texts = sorted({t for (_, _, t) in stated})
            slug = re.split(r"[/#]", iri[len(base):])[-1]
            for text in [*texts, slug]:
                label_id += 1
                rows.add("label", (label_id, entity_id, text))
                keys: set[tuple[str, int]] = set()
                for form in forms(text):
                    rows.add("substring", (form, label_id))
                    starts = [0] + [m.end() for m in re.finditer(" ", form)]
                    keys.update((form[pos:], pos) for pos in starts)
                if text is not slug and "," in text:  # "Peine, Stadt": the name is "Peine"
                    keys.update((name, 0) for name in forms(text.split(",", 1)[0]))
                for key, pos in sorted(keys):
                    rows.add("term", (key, label_id, pos))
        rows.flush()
        db.executemany("INSERT INTO page VALUES (?)", ((p,) for p in sorted(pages)))
        db.executemany("INSERT INTO info VALUES (?,?)",
                       [("base_iri", base), ("release_id", release_id),
                        ("entities", str(entity_id)), ("pages", str(len(pages)))])
        db.execute(SHORT_HITS, {"limit": MAX_LIMIT})
        db.execute("INSERT INTO substring(substring) VALUES ('optimize')")
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)
    return entity_id


_PARSE_BATCH = 200_000


class _Rows:
    """Rows for the index tables, inserted in batches (each table's rows in order)."""

    SQL: ClassVar[dict[str, str]] = {"entity": "INSERT INTO entity VALUES (?,?,?,?,?,?)",
                                     "label": "INSERT INTO label VALUES (?,?,?)",
                                     "term": "INSERT INTO term VALUES (?,?,?)",
                                     "substring": "INSERT INTO substring (key, label) VALUES (?,?)"}
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


class SearchIndex:
    """A release's search index, opened read-only once per process; safe across threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        info = dict(self._db.execute("SELECT name, value FROM info"))
        self.base: str = info["base_iri"]
        self.release_id: str = info.get("release_id", "")
        # indexes written before the table existed answer short keys by scanning
        self._short_hits = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'short_hit'").fetchone() is not None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def search(self, query: str, limit: int = 20, kind: str | None = None) -> list[Hit]:
        """Ranked hits for ``query`` (see the module docstring); ``kind`` filters by kind."""
        keys = sorted(forms(query[:MAX_QUERY_CHARS]))
        if not keys or limit < 1:
            return []
        limit = min(limit, MAX_LIMIT)
        if kind is None and self._short_hits and all(len(k) <= SHORT_KEY for k in keys):
            return self._short_search(keys, limit)
        return self._scan_search(keys, limit, kind)

    def _short_search(self, keys: list[str], limit: int) -> list[Hit]:
        """Short keys from the precomputed best hits of each key (the best ``limit`` of their
        union are among them: an entity outranked by ``limit`` others for the key it matches
        best is outranked by them overall)."""
        marks = ", ".join("?" for _ in keys)
        sql = f"""
            SELECT e.iri, e.label, e.kind, e.type_label, MIN(s.rank) AS rank, s.text
            FROM short_hit s JOIN entity e ON e.id = s.entity
            WHERE s.prefix IN ({marks})
            GROUP BY s.entity
            ORDER BY rank, e.kind_rank, length(e.label), e.label, e.iri
            LIMIT ?"""
        with self._lock:
            rows = self._db.execute(sql, [*keys, limit]).fetchall()
        return [Hit(iri, page_path(iri, self.base), label, kind_, type_label, MATCHES[rank],
                    matched)
                for iri, label, kind_, type_label, rank, matched in rows]

    def _scan_search(self, keys: list[str], limit: int, kind: str | None) -> list[Hit]:
        params: dict[str, object] = {"limit": limit, "kind": kind}
        branches = []
        for i, key in enumerate(keys):
            params[f"k{i}"], params[f"h{i}"] = key, key + _TOP
            branches.append(
                f"SELECT label, CASE WHEN pos = 0 AND key = :k{i} THEN 0 WHEN pos = 0 THEN 1 "
                f"ELSE 2 END AS rank FROM term WHERE key >= :k{i} AND key < :h{i}")
            if len(key) >= 3:
                params[f"p{i}"] = '"' + key.replace('"', '""') + '"'
                branches.append(f"SELECT label, 3 AS rank FROM substring "
                                f"WHERE substring MATCH :p{i}")
        sql = f"""
            WITH hit(label, rank) AS ({" UNION ALL ".join(branches)}),
            best(entity, rank, text) AS (
                SELECT l.entity, MIN(h.rank), l.text FROM hit h JOIN label l ON l.id = h.label
                GROUP BY l.entity)
            SELECT e.iri, e.label, e.kind, e.type_label, b.rank, b.text
            FROM best b JOIN entity e ON e.id = b.entity
            WHERE :kind IS NULL OR e.kind = :kind
            ORDER BY b.rank, e.kind_rank, length(e.label), e.label, e.iri
            LIMIT :limit"""
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        return [Hit(iri, page_path(iri, self.base), label, kind_, type_label, MATCHES[rank],
                    matched)
                for iri, label, kind_, type_label, rank, matched in rows]

    def kinds(self) -> list[str]:
        with self._lock:
            present = {k for (k,) in self._db.execute("SELECT DISTINCT kind FROM entity")}
        return [k for k, _, _ in KINDS if k in present] + sorted(present - set(KIND_RANK))

    def pages(self) -> list[str]:
        """Every IRI with a page of its own, sorted (for the sitemap)."""
        with self._lock:
            return [iri for (iri,) in self._db.execute("SELECT iri FROM page ORDER BY iri")]


def resolve_kind(value: str) -> str:
    """A ``type=`` value as a kind (``regbez`` → ``regierungsbezirk``); unknown stays as is."""
    value = value.strip().lower()
    return KIND_ALIASES.get(value, value)
