"""The RDF description document of an IRI, in Turtle, JSON-LD, N-Triples or RDF/XML.

It holds everything the IRI says (including its hash sub-resources ``<iri>#…``), what links to
it (up to :data:`INCOMING_PER_PREDICATE` subjects per relation), and the labels of every linked
resource. A named graph ``<base>graph/x`` is described, not dumped (its size and source); the
ontology document holds the whole ontology graph, so hash terms ``<base>ontology#X`` resolve.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from metrograph.model.labels import DCT, LABEL_PREDICATES, RDF, RDFS, SD, VOID, XSD
from metrograph.model.namespaces import OWN_SOURCE
from metrograph.store.lookups import StoreLookups, nn

#: the graph of the project's own conclusions (data/derived.ttl)
DERIVED_GRAPH = "derived"

__all__ = ["DOCUMENT_FORMATS", "INCOMING_PER_PREDICATE", "Descriptions"]

#: Document formats by suffix: (media type, pyoxigraph format name); "html" is the page.
DOCUMENT_FORMATS: dict[str, str] = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "html": "text/html",
}
_OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD,
               "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}
#: Subjects per incoming relation in an RDF description document (the page paginates instead).
INCOMING_PER_PREDICATE = 1000


def _lit(value: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(value, language=lang) if lang else ox.Literal(value)


class Descriptions(StoreLookups):
    """The description documents of our IRIs, and the counts they are built from."""

    def description(self, iri: str) -> list[ox.Triple]:
        """The triples that describe ``iri`` (see the module docstring)."""
        return self._cached(("description", iri), lambda: list(self._describe(iri)))

    def _describe(self, iri: str) -> Iterator[ox.Triple]:
        kind = self.kind(iri)
        seen: set[ox.Triple] = set()

        def emit(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
            for triple in triples:
                if triple not in seen:
                    seen.add(triple)
                    yield triple

        if kind == "ontology":
            yield from emit(ox.Triple(q.subject, q.predicate, q.object) for q in
                            self._quads(g=nn(self._ontology_graph)))
            return
        if kind == "graph":
            yield from emit(self._graph_triples(iri))
            source = self.source_for_graph(iri)
            if source and self.kind(source):
                yield from emit(self._entity_triples(source, incoming=False))
            return
        yield from emit(self._entity_triples(iri, incoming=True))

    def _entity_triples(self, iri: str, incoming: bool) -> Iterator[ox.Triple]:
        linked: set[str] = set()
        for quads in self._closure_quads(iri).values():
            for q in quads:
                yield ox.Triple(q.subject, q.predicate, q.object)
                if isinstance(q.object, ox.NamedNode):
                    linked.add(q.object.value)
        if incoming:
            for predicate, _count in self.incoming_counts(iri):
                rows = self._select(
                    "SELECT ?s WHERE { ?s ?p ?o } LIMIT "
                    f"{INCOMING_PER_PREDICATE}", p=nn(predicate), o=nn(iri))
                for row in rows:
                    yield ox.Triple(row["s"], nn(predicate), nn(iri))
                    if isinstance(row["s"], ox.NamedNode):
                        linked.add(row["s"].value)
        for other in sorted(linked):
            if other.startswith(iri + "#") or other == iri:
                continue
            for predicate in LABEL_PREDICATES:
                for q in self._quads(nn(other), nn(predicate)):
                    yield ox.Triple(q.subject, q.predicate, q.object)

    def _closure_quads(self, iri: str) -> dict[str, list[ox.Quad]]:
        """The closure's subjects in the order they are found, each with its quads."""
        found, todo = [iri, *self._evidence_parts(iri)], [iri]
        todo += found[1:]
        quads_of: dict[str, list[ox.Quad]] = {}
        while todo:
            current = todo.pop()
            quads_of[current] = quads = list(self._quads(nn(current)))
            for q in quads:
                obj = q.object
                if (isinstance(obj, ox.NamedNode) and obj.value.startswith(iri + "#")
                        and obj.value not in found):
                    found.append(obj.value)
                    todo.append(obj.value)
        return {subject: quads_of[subject] for subject in found}

    def _evidence_parts(self, iri: str) -> list[str]:
        """The statements and quotes of a seed page's evidence, or of the project's derivations
        (``<source>#statement-…``, ``#quote-…``): parts of the source's document that nothing
        in the document links to (they point at the source)."""
        prefix = self.base + "source/"
        if not iri.startswith(prefix):
            return []
        slug = iri[len(prefix):]
        if slug == OWN_SOURCE:
            graph = self.base + "graph/" + DERIVED_GRAPH
        elif any(q.object.value.startswith("seed-")
                 for q in self._quads(nn(iri), nn(DCT + "identifier"))):
            graph = self.base + "graph/" + slug
        else:
            return []
        parts = {q.subject.value for q in self.store.quads_for_pattern(None, None, None, nn(graph))
                 if q.subject.value.startswith(iri + "#")}
        return sorted(parts)

    def incoming_counts(self, iri: str) -> list[tuple[str, int]]:
        def make() -> list[tuple[str, int]]:
            rows = self._select("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } "
                                "GROUP BY ?p ORDER BY ?p", o=nn(iri))
            return [(r["p"].value, int(r["n"].value)) for r in rows
                    if not r["p"].value.startswith(iri + "#")]
        return self._cached(("incoming", iri), make)

    def graph_size(self, graph: str) -> int:
        def make() -> int:
            rows = self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                g=nn(graph))
            return int(rows[0]["n"].value)
        return self._cached(("size", graph), make)

    def _graph_triples(self, graph: str) -> list[ox.Triple]:
        g = nn(graph)
        name = graph[len(self.base + "graph/"):]
        out = [
            ox.Triple(g, nn(RDF + "type"), nn(SD + "Graph")),
            ox.Triple(g, nn(VOID + "triples"),
                      ox.Literal(str(self.graph_size(graph)), datatype=nn(XSD + "integer"))),
            ox.Triple(g, nn(RDFS + "label"), _lit(f"Benannter Graph „{name}“", "de")),
            ox.Triple(g, nn(RDFS + "label"), _lit(f"Named graph “{name}”", "en")),
        ]
        source = self.source_for_graph(graph)
        if source and self.kind(source):
            out.append(ox.Triple(g, nn(DCT + "source"), nn(source)))
        out += [ox.Triple(q.subject, q.predicate, q.object) for q in self._quads(g)]
        return out

    def serialize(self, iri: str, fmt: str) -> bytes:
        """The description document of ``iri`` in ``fmt`` (a key of :data:`DOCUMENT_FORMATS`)."""
        def make() -> bytes:
            used = {k: v for k, v in self.prefixes.items()}
            return ox.serialize(self.description(iri), format=_OX_FORMATS[fmt],
                                prefixes=used if fmt in {"ttl", "rdf"} else None)
        return self._cached(("doc", iri, fmt), make)
