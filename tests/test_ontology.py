"""The ontology documents every own term in German and English, and nothing uses undefined terms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from metrograph.model import namespaces

ROOT = Path(__file__).resolve().parent.parent
BASE = namespaces.DEFAULT_BASE
MG = BASE + "ontology#"


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle", publicID=BASE)
    return graph


def own_terms(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {s for k in kinds for s in graph.subjects(RDF.type, k)
            if isinstance(s, rdflib.URIRef) and str(s).startswith(MG)}


def test_ontology_header(ontology: rdflib.Graph) -> None:
    onto = rdflib.URIRef(BASE + "ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    titles = {t.language for t in ontology.objects(onto, DCTERMS.title)}
    assert {"de", "en"} <= titles
    assert ontology.value(onto, OWL.versionInfo) is not None
    assert ontology.value(onto, DCTERMS.license) is not None


def test_every_own_term_has_labels_and_comments_in_both_languages(ontology: rdflib.Graph) -> None:
    terms = own_terms(ontology)
    assert len(terms) > 40
    missing = []
    for term in sorted(terms):
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in ontology.objects(term, prop)}
            if not {"de", "en"} <= langs:
                missing.append(f"{term} {prop}")
    assert not missing, missing


def test_every_mg_term_used_anywhere_is_defined(ontology: rdflib.Graph) -> None:
    defined = {str(s)[len(MG):] for s in ontology.subjects() if str(s).startswith(MG)}
    used: dict[str, set[str]] = {}
    files = [*ROOT.glob("data/**/*.ttl"), *ROOT.glob("shapes/*.ttl"), *ROOT.glob("queries/*.rq"),
             *ROOT.glob("metrograph/**/*.py")]
    for path in files:
        for name in re.findall(r"\bmg:([A-Za-z][\w-]*)", path.read_text(encoding="utf-8")):
            used.setdefault(name, set()).add(path.name)
    undefined = {n: sorted(f) for n, f in used.items() if n not in defined}
    assert not undefined, f"mg: terms used but not in the ontology: {undefined}"


def test_prefixes_in_data_files_agree_with_the_namespace_module() -> None:
    expected = {**namespaces.STANDARD_PREFIXES, **namespaces.OWN_PREFIXES}
    declared = re.compile(r"@prefix\s+([\w-]*):\s*<([^>]*)>")
    for path in [*ROOT.glob("data/**/*.ttl"), *ROOT.glob("ontology/*.ttl"), *ROOT.glob("shapes/*.ttl")]:
        for prefix, iri in declared.findall(path.read_text(encoding="utf-8")):
            if prefix in expected:
                assert iri == expected[prefix], f"{path.name}: @prefix {prefix}: <{iri}>"
