"""Every shape has valid and must-fail examples; each runs under pySHACL itself and the build gate.

Examples live in tests/shapes/{valid,invalid}/*.ttl and are checked together with the ontology
(for the class hierarchy). A must-fail example names the message it expects on its first line:
``# expect: <part of the violation message>``.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import rdflib

from metrograph.build import inputs, shacl_gate
from metrograph.model import namespaces

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "tests" / "shapes"
BASE = namespaces.DEFAULT_BASE
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def _data_graph(example: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in inputs.ontology_files(ROOT):
        graph.parse(path, format="turtle", publicID=BASE)
    graph.parse(example, format="turtle", publicID=BASE)
    return graph


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return shacl_gate.load_shapes(inputs.shape_files(ROOT), BASE)


def _messages(report: rdflib.Graph) -> list[str]:
    return [str(m) for m in report.objects(None, SH.resultMessage)]


def _expected(example: Path) -> str:
    first = example.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect:"), f"{example.name} must start with '# expect: ...'"
    return first.removeprefix("# expect:").strip()


VALID = sorted((EXAMPLES / "valid").glob("*.ttl"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.ttl"))


def test_there_are_examples_for_the_core_shapes() -> None:
    assert any(p.name.startswith("core-") for p in VALID)
    assert len([p for p in INVALID if p.name.startswith("core-")]) >= 15


@pytest.mark.parametrize("example", VALID, ids=lambda p: p.name)
def test_valid_example_conforms_under_pyshacl(example: Path, shapes: rdflib.Graph) -> None:
    conforms, _, text = pyshacl.validate(
        _data_graph(example), shacl_graph=shapes, inference="none", advanced=True
    )
    assert conforms, text


@pytest.mark.parametrize("example", INVALID, ids=lambda p: p.name)
def test_invalid_example_fails_under_pyshacl(example: Path, shapes: rdflib.Graph) -> None:
    conforms, report, _ = pyshacl.validate(
        _data_graph(example), shacl_graph=shapes, inference="none", advanced=True
    )
    assert not conforms
    expected = _expected(example)
    assert any(expected in m for m in _messages(report)), _messages(report)


@pytest.mark.parametrize("example", INVALID, ids=lambda p: p.name)
def test_build_gate_rejects_invalid_example(example: Path, shapes: rdflib.Graph) -> None:
    report = shacl_gate.validate(_data_graph(example), shapes)
    assert not report.conforms and report.violations >= 1
    assert _expected(example) in shacl_gate.summarize(report, limit=100)
