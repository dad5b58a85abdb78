"""The history list of an entity page: the changes that concern it (graph ``region-history``).

A row per ``org:ChangeEvent`` (a recognition, renaming, founding, merger or succession; the
ontology's subclasses of it) that is about the entity, results in it or starts from it — and
those of the organisations it succeeds (Rheinland shows the recognition of Rhein-Ruhr): its date
at its precision (none where the sources give none), its label in the page's language, the
note on its confidence and its sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from metrograph.i18n.collation import sort_key
from metrograph.model.labels import DCT, ORG, RDFS
from metrograph.model.terms import SourceRef, Term
from metrograph.store.lookups import StoreLookups, nn

__all__ = ["HISTORY_INCOMING", "History", "HistoryRow"]

SCHEMA_START = "https://schema.org/startDate"
#: Relations shown in the history list rather than among the incoming links.
HISTORY_INCOMING = (ORG + "originalOrganization", ORG + "resultingOrganization")

#: the events of the entity and of its predecessors (``?this`` is bound to the entity)
HISTORY_QUERY = """
SELECT DISTINCT ?event WHERE {
  { ?event schema:about ?this } UNION { ?event org:resultingOrganization ?this }
  UNION { ?event org:originalOrganization ?this }
  UNION {
    ?change org:resultingOrganization ?this ; org:originalOrganization ?before .
    FILTER (?before != ?this)
    { ?event org:resultingOrganization ?before } UNION { ?event schema:about ?before }
  }
  ?event a ?class . ?class rdfs:subClassOf org:ChangeEvent .
}"""


@dataclass
class HistoryRow:
    event: Term
    date: str | None  #: ISO at its precision (YYYY or YYYY-MM-DD); None: date unknown
    sources: list[SourceRef] = field(default_factory=list)
    confidence: str | None = None
    note: str | None = None  #: why the confidence is low, in the page's language


class History(StoreLookups):
    """The rows of an entity page's history list."""

    def _history_rows(self, iri: str, lang: str,
                      all_sources: dict[str, SourceRef]) -> list[HistoryRow]:
        rows = []
        for found in self._select(HISTORY_QUERY, this=nn(iri)):
            node = found["event"]
            values: dict[str, list] = {}
            for q in self._quads(node):
                values.setdefault(q.predicate.value, []).append(q.object)
            refs = sorted((self.source_ref(s.value, lang) for s in values.get(DCT + "source", [])),
                          key=lambda r: sort_key(r.label))
            for ref in refs:
                all_sources.setdefault(ref.iri, ref)
            start = values.get(SCHEMA_START, [None])[0]
            confidence = values.get(self.base + "ontology#confidence", [None])[0]
            note = next((c.value for c in values.get(RDFS + "comment", []) if c.language == lang),
                        None)
            rows.append(HistoryRow(self.term(node, lang), start.value if start else None, refs,
                                   confidence.value if confidence else None,
                                   note if confidence else None))
        rows.sort(key=lambda r: (r.date is None, r.date or "", sort_key(r.event.label)))
        return rows
