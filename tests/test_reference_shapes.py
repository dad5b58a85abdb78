"""The admin shapes under both engines.

The build validates the full graph (~460,000 quads) with pyshacl-turbo; pySHACL itself needs
minutes for that. So pySHACL runs here on a representative slice of the real build: every Land
and Regierungsbezirk, the Kreise of Niedersachsen and those "in the area but not a member" (with
figures, boundaries and Wikidata links), the Gemeindeverbände and Gemeinden of two Kreise with
their figures and centre points, the compiled region memberships of those Kreise, every source
document and region, and the ontology. Every admin shape has focus nodes in that slice, and the
code-consistency rules see complete Kreise. The must-fail examples also go
through the build's own gate (validate.to_rdflib → validate.validate), i.e. the fast engine.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib

from metrograph.build import inputs, rdfize, shacl_gate
from metrograph.model import namespaces

ROOT = Path(__file__).resolve().parent.parent
BASE = namespaces.DEFAULT_BASE
EXAMPLES = ROOT / "tests" / "shapes"
SLICE_KREISE = ("03358", "03157")  # Heidekreis (Samtgemeinden, gemeindefreie Gebiete), Peine


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return shacl_gate.load_shapes(inputs.shape_files(ROOT), BASE)


def _subjects(graph: ox.Store, query: str) -> set[ox.NamedNode]:
    result = graph.query(namespaces.sparql_prologue(BASE) + query,
                         use_default_graph_as_union=True)
    return {row[0] for row in result}


def _slice(graph: ox.Store) -> list[ox.Quad]:
    kreise = " ".join(f"kreis:{k}" for k in SLICE_KREISE)
    subjects = _subjects(graph, f"""
        SELECT DISTINCT ?s WHERE {{
          {{ ?s a ?c VALUES ?c {{ mg:State mg:GovernmentRegion mg:SourceDocument
                                  mg:MetropolitanRegion mg:Role mg:ExitReported mg:Exact }} }}
          UNION {{ ?s a/rdfs:subClassOf* mg:District ; mg:inState land:03 }}
          UNION {{ ?i a mg:AreaInclusion ; mg:includedUnit ?s }} UNION {{ ?s a mg:AreaInclusion }}
          UNION {{ VALUES ?k {{ {kreise} }} ?s mg:inDistrict ?k }}
          UNION {{ GRAPH graph:metropolregionen-compilation {{ ?s mg:confidence ?c }}
                  ?s org:member/mg:inState land:03 }}
        }}""")
    nodes = set(subjects)
    for s in subjects:  # figures and geometries of the chosen units
        for quad in graph.quads_for_pattern(s, None, None):
            if isinstance(quad.object, ox.NamedNode) and "#" in quad.object.value \
                    and quad.object.value.startswith(s.value + "#"):
                nodes.add(quad.object)
    quads = [q for n in nodes for q in graph.quads_for_pattern(n, None, None)]
    ontology = ox.NamedNode(BASE + "graph/ontology")
    quads += list(graph.quads_for_pattern(None, None, None, ontology))
    return quads


def _rdflib(quads: list[ox.Quad]) -> rdflib.Graph:
    data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                        format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


def test_real_build_slice_conforms_under_pyshacl(graph: ox.Store, shapes: rdflib.Graph) -> None:
    quads = _slice(graph)
    data = _rdflib(quads)
    kinds = {str(o).rsplit("#", 1)[-1] for o in data.objects(None, rdflib.RDF.type)}
    assert {"State", "GovernmentRegion", "RuralDistrict", "DistrictFreeCity",
            "MunicipalAssociation", "Municipality", "UnincorporatedArea", "PopulationFigure",
            "AreaFigure", "Geometry", "AreaInclusion", "Membership"} <= kinds
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                         advanced=True, allow_warnings=True)
    assert conforms, text
    fast = shacl_gate.validate(shacl_gate.to_rdflib(quads), shapes)
    assert fast.conforms, shacl_gate.summarize(fast)


def _example_quads(path: Path) -> list[ox.Quad]:
    quads = []
    for ontology in inputs.ontology_files(ROOT):
        quads += rdfize.turtle_quads(ontology, ox.NamedNode(BASE + "graph/ontology"), BASE)
    return quads + rdfize.turtle_quads(path, ox.NamedNode(BASE + "graph/example"), BASE)


@pytest.mark.parametrize("example", sorted((EXAMPLES / "invalid").glob("admin-*.ttl")),
                         ids=lambda p: p.name)
def test_build_engine_rejects_admin_must_fail_examples(example: Path,
                                                       shapes: rdflib.Graph) -> None:
    expected = example.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:")
    report = shacl_gate.validate(shacl_gate.to_rdflib(_example_quads(example)), shapes)
    assert not report.conforms
    assert expected.strip() in shacl_gate.summarize(report, limit=100)


@pytest.mark.parametrize("example", sorted((EXAMPLES / "valid").glob("*.ttl")),
                         ids=lambda p: p.name)
def test_build_engine_accepts_valid_examples(example: Path, shapes: rdflib.Graph) -> None:
    report = shacl_gate.validate(shacl_gate.to_rdflib(_example_quads(example)), shapes)
    assert report.conforms, shacl_gate.summarize(report)


def test_to_rdflib_is_a_full_rdflib_graph_when_read() -> None:
    """The build hands the quads to the fast engine; anything else reading the graph sees it all."""
    quads = _example_quads(EXAMPLES / "valid" / "admin-units.ttl")
    graph = shacl_gate.to_rdflib(quads)
    assert len(graph) == len({(q.subject, q.predicate, q.object) for q in quads})
    kreis = rdflib.URIRef(BASE + "id/kreis/03358")
    assert graph.value(kreis, rdflib.URIRef(BASE + "ontology#nuts")) == rdflib.Literal("DE938")


def test_pyshacl_reads_the_lazy_graph_in_full(shapes: rdflib.Graph) -> None:
    """Without the fast engine the gate runs pySHACL on the same graph: it must see every triple."""
    example = EXAMPLES / "invalid" / "admin-gemeinde-ags-not-in-kreis.ttl"
    conforms, report, _ = pyshacl.validate(shacl_gate.to_rdflib(_example_quads(example)),
                                           shacl_graph=shapes, inference="none", advanced=True)
    assert not conforms
    messages = " ".join(str(m) for m in report.objects(None, rdflib.SH.resultMessage))
    assert "does not begin with the Kreis's AGS" in messages
