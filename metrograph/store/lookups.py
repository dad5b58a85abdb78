"""Lookups over one release's store: the cache, pattern matches, fixed-shape SPARQL queries, the
kind of an IRI, and the labels and terms the pages show.

The base of :class:`metrograph.pages.entity_page.Resources`. The store is opened read-only once per
process and answers with pattern lookups and small fixed-shape SPARQL queries (counts, ordered
pages) that pyoxigraph evaluates in Rust; nothing loads the whole graph into Python objects.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from metrograph.i18n.formatting import format_date
from metrograph.i18n.text import phrase
from metrograph.model.iri_paths import path_for_iri
from metrograph.model.labels import (
    DCT,
    LABEL_PREDICATES,
    ORG,
    QB,
    SDMX_DIMENSION,
    TERM_LABELS,
    local_name,
    pick,
)
from metrograph.model.namespaces import prefixes as all_prefixes
from metrograph.model.namespaces import source_of_graph
from metrograph.model.statements import OA, statement_iri
from metrograph.model.terms import SourceRef, Term

__all__ = ["StoreLookups", "nn"]

_DEFAULT_GRAPH = ox.DefaultGraph()


def nn(iri: str) -> ox.NamedNode:
    """The named node of an IRI."""
    return ox.NamedNode(iri)


class StoreLookups:
    """Lookups over one release's store (read-only, opened once per process). Thread-safe."""

    def __init__(self, store: ox.Store, base: str, release_id: str = "") -> None:
        self.store = store
        self.base = base
        self.release_id = release_id
        self.prefixes = all_prefixes(base)
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._cache_limit = 512
        self._ontology_graph = base + "graph/ontology"

    # -- small helpers --

    def _cached(self, key: tuple, make: Any) -> Any:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = make()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > self._cache_limit:
                self._cache.popitem(last=False)
        return value

    def _quads(self, s: Any = None, p: Any = None, o: Any = None,
               g: Any = _DEFAULT_GRAPH) -> Iterator[ox.Quad]:
        return self.store.quads_for_pattern(s, p, o, g)

    def _select(self, query: str, **bindings: Any) -> list[dict[str, Any]]:
        """A fixed-shape query; ``bindings`` are pyoxigraph terms written in as SPARQL terms
        (their ``str()`` is the escaped N-Triples form, so nothing can break out)."""
        for name, term in bindings.items():
            query = re.sub(r"\?" + name + r"\b", lambda _m, t=term: str(t), query)
        result = self.store.query(query, prefixes=self.prefixes)
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names} for row in result]

    def source_for_graph(self, graph: str) -> str | None:
        """The source document a graph's statements come from (the build's rule: our own
        graphs, such as the catalogue's, come from the project itself)."""
        if graph.startswith(self.base + "graph/"):
            return self.base + "source/" + source_of_graph(graph[len(self.base + "graph/"):])
        return None

    def quotes(self, triple: ox.Triple, graph: str) -> tuple[str, ...]:
        """The evidence phrases of a triple as ``graph`` states it (:mod:`metrograph.model.
        statements`): the exact words of its source that the build checked; () without any."""
        source = self.source_for_graph(graph)
        if source is None:
            return ()
        g, found = nn(graph), set()
        statement = nn(statement_iri(source, triple))
        for annotation in self._quads(None, nn(OA + "hasBody"), statement, g):
            for target in self._quads(annotation.subject, nn(OA + "hasTarget"), None, g):
                for selector in self._quads(target.object, nn(OA + "hasSelector"), None, g):
                    found.update(q.object.value
                                 for q in self._quads(selector.object, nn(OA + "exact"), None, g))
        return tuple(sorted(found))

    # -- existence and kinds --

    def kind(self, iri: str) -> str | None:
        """'ontology', 'graph', 'entity' (anything we mint that the graph mentions) or None."""
        if path_for_iri(self.base, iri) is None or "#" in iri:
            return None
        return self._cached(("kind", iri), lambda: self._kind(iri))

    def _kind(self, iri: str) -> str | None:
        node = nn(iri)
        if iri == self.base + "ontology":
            return "ontology"
        if iri.startswith(self.base + "graph/") and self.store.contains_named_graph(node):
            return "graph"
        if next(self._quads(node), None) is not None:
            return "entity"
        if next(self._quads(None, None, node), None) is not None:
            return "entity"
        return None

    # -- labels --

    def labels(self, iri: str) -> list[ox.Literal]:
        def make() -> list[ox.Literal]:
            node = nn(iri)
            out = []
            for predicate in LABEL_PREDICATES:
                # sorted: which label shows must not depend on the store's order
                out += sorted((q.object for q in self._quads(node, nn(predicate))
                               if isinstance(q.object, ox.Literal)),
                              key=lambda lit: (lit.language or "", lit.value))
            return out
        return self._cached(("labels", iri), make)

    def label(self, iri: str, lang: str) -> str:
        """The label to show: @lang, then @de, then any; reused terms from our table; else
        the IRI's local name."""
        literal = pick(self.labels(iri), lang)
        if literal is not None:
            return literal.value
        if iri in TERM_LABELS:
            de, en = TERM_LABELS[iri]
            return en if lang == "en" else de
        composed = self._membership_title(iri, lang) or self._observation_title(iri, lang)
        return composed if composed is not None else local_name(iri)

    def _observation_title(self, iri: str, lang: str) -> str | None:
        """An observation reads as its indicator, area, period (and age group), never as its
        slug: "Bruttoinlandsprodukt je Einwohner · Wolfsburg, Stadt · 2021"."""
        node = nn(iri)
        parts = []
        for predicate in (QB + "measureType", SDMX_DIMENSION + "refArea",
                          SDMX_DIMENSION + "refPeriod", self.base + "ontology#ageGroup"):
            quad = next(self._quads(node, nn(predicate)), None)
            if quad is None:
                if predicate == self.base + "ontology#ageGroup" and parts:
                    break
                return None
            value = quad.object
            parts.append(format_date(value.value, lang) if isinstance(value, ox.Literal)
                         else self.label(value.value, lang))
        return " · ".join(parts)

    def _membership_title(self, iri: str, lang: str) -> str | None:
        """An unlabelled membership reads as its member and organisation, never as its slug."""
        node = nn(iri)
        member = next(self._quads(node, nn(ORG + "member")), None)
        organisation = next(self._quads(node, nn(ORG + "organization")), None)
        if member is None or organisation is None:
            return None
        return phrase(lang, "membership_of", member=self.label(member.object.value, lang),
                      organisation=self.label(organisation.object.value, lang))

    def predicate_label(self, iri: str, lang: str) -> str:
        if iri in TERM_LABELS and not self.labels(iri):
            de, en = TERM_LABELS[iri]
            return en if lang == "en" else de
        return self.label(iri, lang)

    def term(self, node: Any, lang: str) -> Term:
        if isinstance(node, ox.Literal):
            datatype = node.datatype.value if node.datatype else None
            return Term(node.value, node.value, "literal", lang=node.language,
                        datatype=datatype)
        value = node.value
        path = path_for_iri(self.base, value)
        if path is None:
            href = value if value.startswith(("http://", "https://")) else None
            return Term(value, self.label(value, lang) if value in TERM_LABELS else value,
                        href=href)
        literal = pick(self.labels(value), lang)
        other = literal.language if literal is not None and literal.language not in {None, "",
                                                                                   lang} else None
        return Term(value, self.label(value, lang), href=path, ours=True, label_lang=other)

    def source_ref(self, iri: str, lang: str) -> SourceRef:
        labels = self.labels(iri)
        literal = pick(labels, lang)
        label = literal.value if literal is not None else local_name(iri)
        issued = next((q.object.value for q in self._quads(nn(iri), nn(DCT + "issued"))), None)
        return SourceRef(iri, path_for_iri(self.base, iri), label, issued)
