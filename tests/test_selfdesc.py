"""VoID, DCAT and the SPARQL examples: every number equals the SPARQL count over the store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import URIRef
from rdflib.namespace import DCAT, RDF, RDFS, SKOS, XSD

from metrograph.build import dumps, inputs, self_description
from metrograph.model.namespaces import SCHEMA, SH, VOID

SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")


@pytest.fixture(scope="module")
def void(release):
    return rdflib.Graph().parse(release.path / self_description.VOID_FILENAME, format="turtle")


@pytest.fixture(scope="module")
def dataset(base):
    return URIRef(base + "dataset")


def count(graph: ox.Store, query: str) -> int:
    [row] = list(graph.query(query))
    return int(row[0].value)


def number(void, node, prop) -> int:
    values = list(void.objects(node, prop))
    assert len(values) == 1, (node, prop, values)
    return int(values[0])


def test_parses_with_an_independent_parser(release, void):
    quads = list(ox.parse(path=str(release.path / self_description.VOID_FILENAME), format=ox.RdfFormat.TURTLE,
                          base_iri="https://example.org/"))
    assert len(quads) == len(void)  # pyoxigraph reads the same triples rdflib does


def test_dataset_totals_match_sparql(void, dataset, graph, base):
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert number(void, dataset, VOID.triples) == count(
        graph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert number(void, dataset, VOID.distinctSubjects) == count(
        graph, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    assert number(void, dataset, VOID.distinctObjects) == count(
        graph, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")
    assert number(void, dataset, VOID.entities) == count(
        graph, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o "
               f"FILTER (isIRI(?s) && STRSTARTS(STR(?s), \"{base}\")) }}")
    assert number(void, dataset, VOID.properties) == count(
        graph, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }")
    assert number(void, dataset, VOID.classes) == count(
        graph, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }")


def test_named_graph_subsets_match_sparql(void, dataset, graph):
    sd_name = URIRef("http://www.w3.org/ns/sparql-service-description#name")
    subsets = {str(void.value(s, sd_name)): number(void, s, VOID.triples)
               for s in void.objects(dataset, VOID.subset) if void.value(s, sd_name)}
    served = {row["g"].value: int(row["n"].value) for row in graph.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    assert subsets == served


def test_class_partitions_count_distinct_instances(void, dataset, graph):
    partitions = {str(void.value(p, VOID["class"])): number(void, p, VOID.entities)
                  for p in void.objects(dataset, VOID.classPartition)}
    served = {row["c"].value: int(row["n"].value) for row in graph.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")}
    assert partitions == served
    assert partitions["https://w3id.org/metrograph/ontology#MetropolitanRegion"] >= 11


def test_property_partitions_count_triples(void, dataset, graph):
    partitions = {str(void.value(p, VOID.property)): number(void, p, VOID.triples)
                  for p in void.objects(dataset, VOID.propertyPartition)}
    served = {row["p"].value: int(row["n"].value) for row in graph.query(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")}
    assert partitions == served


def test_wikidata_linkset(void, dataset, graph):
    linksets = list(void.subjects(RDF.type, VOID.Linkset))
    assert len(linksets) == 1
    [linkset] = linksets
    assert void.value(linkset, VOID.linkPredicate) == SKOS.exactMatch
    assert void.value(linkset, VOID.subjectsTarget) == dataset
    target = void.value(linkset, VOID.objectsTarget)
    assert str(void.value(target, VOID.uriSpace)) == "http://www.wikidata.org/entity/"
    assert number(void, linkset, VOID.triples) == count(graph, (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2004/02/skos/core#exactMatch> ?o "
        "FILTER STRSTARTS(STR(?o), \"http://www.wikidata.org/entity/\") }")) > 0


def test_access_and_examples(void, dataset, base, release):
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(base + "sparql")
    assert set(void.objects(dataset, VOID.dataDump)) == {
        URIRef(f"{base}dumps/{d.name}") for d in dumps.read_dumps(release.path)}
    assert URIRef(base + "id/region/hbgw") in set(void.objects(dataset, VOID.exampleResource))
    assert str(void.value(dataset, rdflib.URIRef("http://purl.org/dc/terms/identifier"))) == release.id


def test_dcat_distributions_carry_size_and_checksum(release, base):
    dcat = rdflib.Graph().parse(release.path / self_description.DCAT_FILENAME, format="turtle")
    written = {d.name: d for d in dumps.read_dumps(release.path)}
    found = {}
    for dist in dcat.objects(URIRef(base + "dataset"), DCAT.distribution):
        url = str(dcat.value(dist, DCAT.downloadURL))
        checksum = dcat.value(dist, SPDX.checksum)
        assert dcat.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = dcat.value(checksum, SPDX.checksumValue)
        assert value.datatype == XSD.hexBinary
        found[url.rsplit("/", 1)[-1]] = (str(value), int(dcat.value(dist, DCAT.byteSize)))
        assert str(dcat.value(dist, DCAT.mediaType)).endswith(
            ("application/n-quads", "text/turtle"))
    assert found == {name: (d.sha256, d.bytes) for name, d in written.items()}


def test_sparql_examples_one_per_query_and_self_contained(release, base):
    examples = rdflib.Graph().parse(release.path / self_description.EXAMPLES_FILENAME, format="turtle")
    queries = inputs.read_queries(Path(__file__).resolve().parent.parent)
    nodes = set(examples.subjects(RDF.type, SH.SPARQLExecutable))
    assert len(nodes) == len(queries)
    empty = ox.Store()
    for node in nodes:
        assert node.startswith(base + ".well-known/sparql-examples#")
        assert (node, RDF.type, SH.SPARQLSelectExecutable) in examples
        assert examples.value(node, SCHEMA.target) == URIRef(base + "sparql")
        assert examples.value(node, RDFS.comment).language == "en"
        text = str(examples.value(node, SH.select))
        list(empty.query(text))  # parses with its own PREFIX lines, no predeclared prefixes


def test_used_prefixes_include_empty_local_names_and_skip_iris_strings_comments():
    known = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#", "wd": "http://www.wikidata.org/entity/",
             "kreis": "https://w3id.org/metrograph/id/kreis/", "mg": "https://w3id.org/metrograph/ontology#"}
    query = ('SELECT * WHERE { ?s rdfs:label "kreis:x" ; <http://mg:x> ?o '
             'FILTER STRSTARTS(STR(?o), STR(wd:)) } # mg:comment')
    assert self_description.used_prefixes(query, known) == ["rdfs", "wd"]


def test_a_failing_writer_process_fails_the_build_step(tmp_path, base):
    from metrograph.errors import DataError

    not_a_folder = tmp_path / "release"
    not_a_folder.write_text("a file, not a folder")
    with pytest.raises(DataError, match="search index, dumps and VoID failed"):
        self_description.write_release_files(not_a_folder, b"", "0" * 16, base,
                                     Path(__file__).resolve().parent.parent)
