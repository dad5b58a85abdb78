"""Label search: an SQLite index written at build time, queried by the web layer.

The build writes ``search.sqlite`` into the release folder
(:func:`metrograph.build.search_index.build_index`). The server opens it once per process
(:class:`SearchIndex`, read-only, immutable) and answers ``/search`` from it. SQLite and its
FTS5 trigram tokenizer come with Python's standard library.

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
   Regierungsbezirke, Kreise, Gemeindeverbände, …, Gemeinden last (kinds not listed come
   after, grouped by kind);
3. shorter label first, then alphabetical; then the IRI.

The entity ids of the index follow ranks 2 and 3, so a query reads only what it returns: the
precomputed best hits of a key that matches many terms, or the few terms of a rarer key, then
(if those are fewer than asked for) substring matches in id order until enough are found.

So "Peine" gives the Landkreis Peine (label "Peine") before the Gemeinde "Peine, Stadt": both
match exactly, and Kreise rank before Gemeinden.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from metrograph.model import namespaces as ns
from metrograph.model.iri_paths import path_for_iri

__all__ = ["INDEX_FILENAME", "KINDS", "MAX_QUERY_CHARS", "Hit", "SearchIndex", "fold",
           "page_path"]

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
    ("indicator", "Kennzahl", "indicator"),
    ("statistics", "Statistischer Datensatz", "statistical dataset"),
    ("code", "Klasse einer Gliederung", "class of a classification"),
    ("unit", "Einheit", "unit"),
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
NOT_INDEXED = {"membership", "graph", "observation"}
#: Resources with a page that the sitemap leaves out: the ~190,000 statistical observations,
#: reached from their area's, indicator's and dataset's pages (and the dumps and SPARQL)
NOT_IN_SITEMAP = {"observation"}

_EXPAND = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NON_WORD = re.compile(r"[\W_]+")
#: Above every character: ``key < prefix + TOP`` ends the range of a prefix.
TOP = "\U0010ffff"
#: Index layout this module reads best (ids in ranking order, heavy prefixes precomputed);
#: older indexes are answered by scanning.
LAYOUT = "2"


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


class SearchIndex:
    """A release's search index, opened read-only once per process; safe across threads."""

    #: Most candidate rows the substring phase reads for a key that repeats a trigram.
    SUBSTRING_CANDIDATES = 500

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        info = dict(self._db.execute("SELECT name, value FROM info"))
        self.base: str = info["base_iri"]
        self.release_id: str = info.get("release_id", "")
        # indexes of an older layout are answered by scanning (correct, slower on big graphs)
        self.planned = info.get("layout") == LAYOUT
        self._kinds: dict[str, tuple[int, int, int, int]] = {}
        if self.planned:
            self._kinds = {kind: span for kind, *span in self._db.execute(
                "SELECT kind, first_entity, last_entity, first_label, last_label "
                "FROM kind_range")}

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def search(self, query: str, limit: int = 20, kind: str | None = None) -> list[Hit]:
        """Ranked hits for ``query`` (see the module docstring); ``kind`` filters by kind."""
        keys = sorted(forms(query[:MAX_QUERY_CHARS]))
        if not keys or limit < 1:
            return []
        limit = min(limit, MAX_LIMIT)
        if not self.planned:
            return self._scan_search(keys, limit, kind)
        span = self._kinds.get(kind) if kind is not None else None
        if kind is not None and span is None:
            return []
        with self._lock:
            best: dict[int, tuple[int, int]] = {}
            for key in keys:
                for entity, rank, label in self._word_hits(key, kind, span, limit):
                    if entity not in best or (rank, label) < best[entity]:
                        best[entity] = (rank, label)
            ranked = sorted(((rank, entity, label) for entity, (rank, label) in best.items()))
            ranked = ranked[:limit]
            long_keys = [key for key in keys if len(key) >= 3]
            if len(ranked) < limit and long_keys:
                ranked += self._substring_hits(long_keys, span, limit - len(ranked), best)
            return self._hits(ranked)

    def _word_hits(self, key: str, kind: str | None, span: tuple[int, int, int, int] | None,
                   limit: int) -> list[tuple[int, int, int]]:
        """(entity, rank, label) of the exact, prefix and word matches of one key: a heavy
        prefix's precomputed best hits (complete if fewer than the limit), else every match
        in its term range (at most the index's ``heavy_rows`` rows)."""
        top = self._db.execute(
            "SELECT entity, rank, label FROM top_hit WHERE prefix = ? AND kind = ? ORDER BY n "
            "LIMIT ?", (key, kind or "", limit)).fetchall()
        if top or (kind is not None and self._db.execute(
                "SELECT 1 FROM top_hit WHERE prefix = ? AND kind = ''", (key,)).fetchone()):
            return top
        sql = (f"SELECT entity, MIN({_term_rank('k')} * 4294967296 + label) FROM term "
               "WHERE key >= :k AND key < :h")
        params = {"k": key, "h": key + TOP}
        if span is not None:
            sql += " AND entity BETWEEN :lo AND :hi"
            params.update(lo=span[0], hi=span[1])
        return [(entity, best >> 32, best & 0xFFFFFFFF) for entity, best in
                self._db.execute(sql + " GROUP BY entity", params)]

    def _substring_hits(self, keys: list[str], span: tuple[int, int, int, int] | None,
                        wanted: int, found: dict[int, tuple[int, int]]
                        ) -> list[tuple[int, int, int]]:
        """The first ``wanted`` entities (not ``found`` already) with a label containing a
        key, read in rowid order — the ranking order — so the read stops early.

        FTS5 reads every posting of a phrase that repeats a trigram (``0000000``,
        ``hausenhausen``), match or not. Such a key is looked up by its longest prefix without
        a repeated trigram instead, each candidate checked here, and at most
        :attr:`SUBSTRING_CANDIDATES` candidates are read: the hits are then the first ones,
        possibly fewer than exist.
        """
        phrases = [_distinct_trigram_prefix(key) for key in keys]
        checked = phrases != keys
        match = " OR ".join('"' + phrase.replace('"', '""') + '"' for phrase in phrases)
        sql = (f"SELECT rowid, entity{', key' if checked else ''} FROM substring "
               "WHERE substring MATCH ?")
        params: list[object] = [match]
        if span is not None:
            sql += " AND rowid BETWEEN ? AND ?"
            params += [2 * span[2], 2 * span[3] + 1]
        hits: list[tuple[int, int, int]] = []
        seen = set(found)
        cursor = self._db.execute(sql + " ORDER BY rowid", params)
        try:
            for candidates, row in enumerate(cursor, start=1):
                rowid, entity = row[0], row[1]
                if checked:
                    if candidates > self.SUBSTRING_CANDIDATES:
                        break
                    if not any(key in row[2] for key in keys):
                        continue
                if entity not in seen:
                    seen.add(entity)
                    hits.append((3, entity, rowid >> 1))
                    if len(hits) == wanted:
                        break
        finally:
            cursor.close()
        return hits

    def _hits(self, ranked: list[tuple[int, int, int]]) -> list[Hit]:
        """Hits for (rank, entity id, label id) rows, in that order."""
        if not ranked:
            return []
        marks = ",".join("?" * len(ranked))
        entities = {row[0]: row[1:] for row in self._db.execute(
            f"SELECT id, iri, label, kind, type_label FROM entity WHERE id IN ({marks})",
            [entity for _, entity, _ in ranked])}
        texts = dict(self._db.execute(f"SELECT id, text FROM label WHERE id IN ({marks})",
                                      [label for _, _, label in ranked]))
        hits = []
        for rank, entity, label in ranked:
            iri, shown, kind, type_label = entities[entity]
            hits.append(Hit(iri, page_path(iri, self.base), shown, kind, type_label,
                            MATCHES[rank], texts[label]))
        return hits

    def _scan_search(self, keys: list[str], limit: int, kind: str | None) -> list[Hit]:
        """Every match ranked in one query: the reference the planned search is tested
        against, and the way indexes of an older layout are read."""
        params: dict[str, object] = {"limit": limit, "kind": kind}
        # the label id of a substring row: its own column in older indexes
        substring_label = "rowid >> 1" if self.planned else "label"
        branches = []
        for i, key in enumerate(keys):
            params[f"k{i}"], params[f"h{i}"] = key, key + TOP
            branches.append(f"SELECT label, {_term_rank(f'k{i}')} AS rank FROM term "
                            f"WHERE key >= :k{i} AND key < :h{i}")
            if len(key) >= 3:
                params[f"p{i}"] = '"' + key.replace('"', '""') + '"'
                branches.append(f"SELECT {substring_label}, 3 AS rank FROM substring "
                                f"WHERE substring MATCH :p{i}")
        sql = f"""
            WITH hit(label, rank) AS ({" UNION ALL ".join(branches)}),
            best(entity, best) AS (
                SELECT l.entity, MIN(h.rank * 4294967296 + l.id) FROM hit h
                JOIN label l ON l.id = h.label GROUP BY l.entity)
            SELECT b.best >> 32, b.entity, b.best & 4294967295
            FROM best b JOIN entity e ON e.id = b.entity
            WHERE :kind IS NULL OR e.kind = :kind
            ORDER BY b.best >> 32, e.kind_rank, e.kind, length(e.label), e.label, e.iri
            LIMIT :limit"""
        with self._lock:
            return self._hits(self._db.execute(sql, params).fetchall())

    def pages(self) -> list[str]:
        """Every IRI with a page of its own but the observations, sorted (for the sitemap)."""
        with self._lock:
            return [iri for (iri,) in self._db.execute("SELECT iri FROM page ORDER BY iri")]


def _term_rank(key_param: str) -> str:
    """SQL for the match rank of a ``term`` row against the key bound to ``key_param``:
    0 the whole label, 1 a label's start, 2 a word's start."""
    return f"(CASE WHEN pos = 0 AND key = :{key_param} THEN 0 WHEN pos = 0 THEN 1 ELSE 2 END)"


def _distinct_trigram_prefix(key: str) -> str:
    """The longest prefix of ``key`` (three characters at least) in which no trigram repeats."""
    seen: set[str] = set()
    end = 3
    for start in range(len(key) - 2):
        trigram = key[start:start + 3]
        if trigram in seen:
            break
        seen.add(trigram)
        end = start + 3
    return key[:end]


def resolve_kind(value: str) -> str:
    """A ``type=`` value as a kind (``regbez`` → ``regierungsbezirk``); unknown stays as is."""
    value = value.strip().lower()
    return KIND_ALIASES.get(value, value)
