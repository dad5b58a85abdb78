"""The SHACL gate: the only user of pySHACL.

The data graph is the union of every graph of the release (so class hierarchies from the
ontology are visible to ``sh:targetClass``); the shapes are all of shapes/*.ttl.

Engine: pySHACL had not finished the full graph (~460,000 quads) after 21 minutes of CPU time
(plus ~40 s to load the quads into rdflib), so the build uses ``pyshacl-turbo`` (a
pySHACL-compatible engine in Rust) when it is installed, handing it the quads in a pyoxigraph
store without going through rdflib. Without it, or for any plain rdflib graph, pySHACL runs.
The test suite runs every shape under pySHACL too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.plugins.stores.memory import Memory

from metrograph.errors import DataError

try:  # optional fast engine with pySHACL's API
    import pyshacl_turbo
except ImportError:  # pragma: no cover - depends on the environment
    pyshacl_turbo = None

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: int
    text: str
    graph: rdflib.Graph

    def turtle(self) -> str:
        return self.graph.serialize(format="turtle")


class _QuadsMemory(Memory):
    """rdflib's memory store that loads its quads on first use.

    :func:`validate` hands the pending quads to the fast engine directly; anything else that
    reads the graph gets the full rdflib graph, loaded then.
    """

    def __init__(self, quads: list[ox.Quad]) -> None:
        super().__init__()
        self.pending: list[ox.Quad] | None = quads
        self.owner: rdflib.term.Node | None = None  # identifier of the graph using this store

    def load(self) -> None:
        if self.pending is None:
            return
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in self.pending)
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        self.pending = None
        graph = rdflib.Graph(store=self, identifier=self.owner)  # same context as the owner
        graph.parse(data=data, format="nt")

    def triples(self, pattern, context=None):  # type: ignore[no-untyped-def, override]
        self.load()
        return super().triples(pattern, context)

    def __len__(self, context=None) -> int:  # type: ignore[no-untyped-def, override]
        self.load()
        return super().__len__(context)


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """Union of the quads as one rdflib graph (graph names dropped), loaded on first read."""
    store = _QuadsMemory(list(quads))
    graph = rdflib.Graph(store=store)
    store.owner = graph.identifier
    return graph


def _oxigraph_store(quads: list[ox.Quad]) -> ox.Store:
    """The quads' triples in the default graph of an in-memory store: the data graph pySHACL
    sees. (Named graphs will not do: pyshacl-turbo's core constraints see their union, but its
    SPARQL constraints only the default graph.)"""
    store = ox.Store()
    store.bulk_extend([ox.Quad(q.subject, q.predicate, q.object) for q in quads])
    return store


def load_shapes(paths: Iterable[Path], base: str) -> rdflib.Graph:
    """Parse the shape files; their relative IRIs resolve against ``base`` like the data's."""
    shapes = rdflib.Graph()
    for path in paths:
        try:
            shapes.parse(path, format="turtle", publicID=base)
        except Exception as exc:  # rdflib raises many parser exception types
            raise DataError(f"{path}: cannot parse shapes: {exc}") from exc
    # SPARQL prefixes declared with a relative namespace ("ontology#") resolve like the IRIs.
    for declaration, namespace in list(shapes.subject_objects(SH.namespace)):
        if not str(namespace).startswith(("http://", "https://", "urn:")):
            shapes.set((declaration, SH.namespace,
                        rdflib.Literal(base + str(namespace), datatype=rdflib.XSD.anyURI)))
    return shapes


def validate(data: rdflib.Graph, shapes: rdflib.Graph) -> Report:
    """Run SHACL (with SHACL-SPARQL constraints); no inference beyond the data's own triples."""
    store = data.store
    if pyshacl_turbo is not None and isinstance(store, _QuadsMemory) and store.pending:
        engine, source = pyshacl_turbo.validate, _oxigraph_store(store.pending)
    else:
        engine, source = shacl_validate, data
    conforms, report_graph, report_text = engine(
        source, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
    )
    violations = sum(1 for _ in report_graph.subjects(SH.resultSeverity, SH.Violation))
    return Report(bool(conforms), violations, str(report_text), report_graph)


def summarize(report: Report, limit: int = 20) -> str:
    """A readable list of the first violations: focus node, path, message."""
    lines = []
    for result in report.graph.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.graph.value(result, SH.focusNode)
        path = report.graph.value(result, SH.resultPath)
        message = report.graph.value(result, SH.resultMessage)
        severity = report.graph.value(result, SH.resultSeverity)
        sev = str(severity).rsplit("#", 1)[-1] if severity else "Violation"
        lines.append(f"  {sev}: {focus}" + (f" {path}" if path else "") + f": {message}")
    lines.sort()
    extra = len(lines) - limit
    shown = lines[:limit] + ([f"  ... and {extra} more (full report in the RDF file)"]
                             if extra > 0 else [])
    return "\n".join(shown)
