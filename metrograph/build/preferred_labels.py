"""One preferred label per entity and language (``skos:prefLabel``), chosen by one rule.

Sources name the same thing differently — the IKM is "Initiativkreis Europäische
Metropolregionen in Deutschland" on its own page and "… (IKM)" in the compilation. Every name
stays an ``rdfs:label`` in the graph of the source that gives it (the alternatives, each with
its source); the project picks one per language and states it in the graph ``derived-labels``
(a conclusion of the project, not of a source). The rule, in this order:

1. the name the entity gives itself: a label from the graph of a source document the entity
   publishes (``dct:publisher``);
2. the name of an official register (:data:`OFFICIAL_GRAPHS`);
3. the name of the project's own graphs (ontology, vocabulary, catalogue);
4. the name most sources give; then the graph names' order, then the label itself.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from metrograph.model import namespaces as ns

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT_PUBLISHER = "http://purl.org/dc/terms/publisher"
GRAPH = "derived-labels"
#: registers whose names are the official ones
OFFICIAL_GRAPHS = ("destatis-gv-2024", "destatis-kreise-2023", "zensus-2022", "bkg-vg5000-2021")


def preferred_label_quads(quads: list[ox.Quad], base: str) -> list[ox.Quad]:
    """``skos:prefLabel`` for every labelled entity (hash parts aside) and language, in
    ``graph/derived-labels``."""
    graph_prefix = base + "graph/"
    publishes: dict[str, set[str]] = defaultdict(set)  # entity → graphs of its own pages
    for q in quads:
        if q.predicate.value == DCT_PUBLISHER and q.subject.value.startswith(base + "source/"):
            publishes[q.object.value].add(q.subject.value.removeprefix(base + "source/"))
    labels: dict[tuple[ox.NamedNode, str], dict[ox.Literal, set[str]]] = defaultdict(
        lambda: defaultdict(set))
    for q in quads:
        if q.predicate.value == RDFS_LABEL and isinstance(q.object, ox.Literal) \
                and isinstance(q.subject, ox.NamedNode) and "#" not in q.subject.value \
                and isinstance(q.graph_name, ox.NamedNode):  # entities, not their parts
            graph = q.graph_name.value.removeprefix(graph_prefix)
            labels[(q.subject, q.object.language or "")][q.object].add(graph)
    target = ox.NamedNode(str(ns.graph_iri(base, GRAPH)))
    pref = ox.NamedNode(SKOS + "prefLabel")
    out: list[ox.Quad] = []
    for (subject, _), by_label in sorted(labels.items(), key=lambda item: str(item[0][0])):
        own = publishes.get(subject.value, set())
        best = min(by_label.items(), key=lambda item: _rank(item[0], item[1], own))[0]
        out.append(ox.Quad(subject, pref, best, target))
    return out


def _rank(literal: ox.Literal, graphs: set[str], own: set[str]) -> tuple:
    """The rule of the module's doc as a sort key (smallest first)."""
    return (not graphs & own, not graphs & set(OFFICIAL_GRAPHS), not graphs & ns.OWN_GRAPHS,
            -len(graphs), sorted(graphs), literal.value)
