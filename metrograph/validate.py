"""The SHACL gate: the only user of pySHACL.

The data graph is the union of every graph of the release (so class hierarchies from the
ontology are visible to ``sh:targetClass``); the shapes are all of shapes/*.ttl.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate

from metrograph.errors import DataError

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: int
    text: str
    graph: rdflib.Graph

    def turtle(self) -> str:
        return self.graph.serialize(format="turtle")


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """Union of the quads as one rdflib graph (graph names dropped)."""
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=data, format="nt")
    return graph


def load_shapes(paths: Iterable[Path], base: str) -> rdflib.Graph:
    """Parse the shape files; their relative IRIs resolve against ``base`` like the data's."""
    shapes = rdflib.Graph()
    for path in paths:
        try:
            shapes.parse(path, format="turtle", publicID=base)
        except Exception as exc:  # rdflib raises many parser exception types
            raise DataError(f"{path}: cannot parse shapes: {exc}") from exc
    return shapes


def validate(data: rdflib.Graph, shapes: rdflib.Graph) -> Report:
    """Run SHACL (with SHACL-SPARQL constraints); no inference beyond the data's own triples."""
    conforms, report_graph, report_text = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
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
