"""The lists other pages show: instances of a class (the home page) and the ontology's terms by
section (its documentation page)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from metrograph.i18n.collation import sort_key
from metrograph.model.labels import OWL, RDF, RDFS, SKOS, pick
from metrograph.pages.entity_view import Term
from metrograph.store.lookups import StoreLookups, nn

__all__ = ["PageLists"]


class PageLists(StoreLookups):
    """Lists for the home page and the ontology documentation page."""

    def instances(self, cls: str, lang: str) -> list[Term]:
        def make() -> list[tuple[str, str]]:
            rows = self._select("SELECT DISTINCT ?s WHERE { ?s a ?c }", c=nn(cls))
            return [r["s"].value for r in rows if isinstance(r["s"], ox.NamedNode)]
        terms = [self.term(nn(s), lang) for s in self._cached(("instances", cls), make)]
        return sorted(terms, key=lambda t: sort_key(t.label))

    def ontology_terms(self, lang: str) -> dict[str, list[dict[str, Any]]]:
        """Classes and properties of the ontology, for its documentation page."""
        graph = nn(self._ontology_graph)
        onto = self.base + "ontology#"
        terms: dict[str, dict[str, list[Any]]] = {}
        for q in self._quads(g=graph):
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(onto):
                terms.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(
                    q.object)
        sections: dict[str, list[dict[str, Any]]] = {"classes": [], "properties": [],
                                                      "individuals": []}
        for iri, values in sorted(terms.items()):
            types = {t.value for t in values.get(RDF + "type", [])}
            if OWL + "Class" in types or RDFS + "Class" in types:
                section = "classes"
            elif types & {OWL + "ObjectProperty", OWL + "DatatypeProperty", RDF + "Property",
                          OWL + "AnnotationProperty"}:
                section = "properties"
            else:
                section = "individuals"
            comment = pick(sorted(values.get(RDFS + "comment", []), key=str) +
                           sorted(values.get(SKOS + "definition", []), key=str), lang)
            relations = []
            for predicate in (RDF + "type", RDFS + "subClassOf", RDFS + "subPropertyOf",
                              RDFS + "domain", RDFS + "range"):
                for obj in sorted(values.get(predicate, []), key=str):
                    if predicate == RDF + "type" and section != "individuals":
                        continue
                    relations.append((self.predicate_label(predicate, lang),
                                      self.term(obj, lang), _curie(obj.value, self.prefixes)))
            sections[section].append({
                "iri": iri, "name": iri[len(onto):], "label": self.label(iri, lang),
                "comment": comment.value if comment is not None else "",
                "relations": relations, "types": sorted(types)})
        return sections


def _curie(iri: str, prefixes: dict[str, str]) -> str:
    best = ""
    for name, ns in prefixes.items():
        if iri.startswith(ns) and len(ns) > len(prefixes.get(best, "")):
            best = name
    return f"{best}:{iri[len(prefixes[best]):]}" if best else iri
