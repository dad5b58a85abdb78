"""Evidence for seed-graph statements and rules for derived ones (metrograph.build.evidence):
the checks on small inputs written here, then on the real data and the real build."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT

from metrograph import config
from metrograph.build import evidence, pipeline
from metrograph.build.converters import Context
from metrograph.build.curated_tables import evidence_quads
from metrograph.errors import DataError
from metrograph.model.statements import statement_iri

BASE = "https://w3id.org/metrograph/"
PROLOGUE = """@prefix mg: <ontology#> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix region: <id/region/> .
"""
PAGE = "Die Metropolregion Hamburg und die Metropolregion Hamburg\nsind   zwei. Es gibt elf."


def quads(turtle: str, graph: str) -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(BASE + "graph/" + graph))
            for t in ox.parse(PROLOGUE + turtle, format=ox.RdfFormat.TURTLE, base_iri=BASE)]


def seed_page(tmp_path: Path) -> tuple[list[ox.Quad], Path]:
    """A catalogue entry marking graph 'page' as seed 007, and the page's text."""
    (tmp_path / "007_abc.txt").write_text(PAGE, encoding="utf-8")
    entry = ox.Quad(ox.NamedNode(BASE + "source/page"),
                    ox.NamedNode("http://purl.org/dc/terms/identifier"), ox.Literal("seed-007"),
                    ox.NamedNode(BASE + "graph/catalog"))
    return [entry], tmp_path


def run(tmp_path: Path, page: str, derived: str = "") -> list[ox.Quad]:
    catalogue, seeds = seed_page(tmp_path)
    return evidence.apply(catalogue + quads(page, "page") + quads(derived, "derived"), BASE, seeds)


GOOD = """
region:hamburg a mg:MetropolitanRegion ;
    rdfs:label "Metropolregion Hamburg"@de {| oa:exact "Metropolregion Hamburg" ; oa:prefix "Die " |} ,
        "Hamburg Metropolitan Region"@en ;
    mg:memberCount <id/region/hamburg#count> .
<id/region/hamburg#count> mg:value 2 {| oa:exact "sind zwei" |} .
"""


def test_evidenced_statements_become_web_annotations(tmp_path: Path) -> None:
    out = run(tmp_path, GOOD)
    assert not any(isinstance(t, (ox.Triple, ox.BlankNode)) for q in out
                   for t in (q.subject, q.object)), "the release is RDF 1.1, without reifiers"
    label = ox.Triple(ox.NamedNode(BASE + "id/region/hamburg"),
                      ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal("Metropolregion Hamburg", language="de"))
    statement = ox.NamedNode(statement_iri(BASE + "source/page", label))
    store = ox.Store()
    store.extend(out)
    rows = list(store.query(f"""
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?exact ?prefix ?source WHERE {{ GRAPH <{BASE}graph/page> {{
          ?a a oa:Annotation ; oa:hasBody {statement} ;
             oa:hasTarget [ oa:hasSource ?source ;
                            oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?exact ;
                                             oa:prefix ?prefix ] ] .
          {statement} a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }} }}
    """, prefixes={"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}))
    assert [(r["exact"].value, r["prefix"].value, r["source"].value) for r in rows] == [
        ("Metropolregion Hamburg", "Die", BASE + "source/page")]  # (stored without the space at the phrase)


@pytest.mark.parametrize(("page", "message"), [
    (GOOD.replace('{| oa:exact "sind zwei" |}', ""),
     r"(?s)2 statement\(s\) without evidence.*<id/region/hamburg#count> <ontology#value> \"2\""
     r".*memberCount"),
    (GOOD.replace('"sind zwei"', '"sind drei"'), r"'sind drei' is not in the source's text"),
    (GOOD.replace('; oa:prefix "Die " ', ""), r"occurs 2 times in the source's text"),
    (GOOD.replace('oa:prefix "Die "', 'oa:prefix "Das "'), r"not with the prefix 'Das '"),
    (GOOD.replace('"sind zwei"', '"eins zwei drei vier fünf sechs sieben acht neun zehn elf '
                  'zwölf dreizehn"'), r"has 13 words \(at most 12"),
    (GOOD + 'region:hamburg mg:note "x"@en .',
     r"(?s)without evidence.*<id/region/hamburg> <ontology#note> \"x\"@en"),
])
def test_the_check_refuses_what_the_page_does_not_show(tmp_path: Path, page: str,
                                                       message: str) -> None:
    with pytest.raises(DataError, match=message):
        run(tmp_path, page)


def test_translations_types_and_own_parts_rest_on_their_evidence(tmp_path: Path) -> None:
    run(tmp_path, GOOD)  # the @en label, the type and the link to #count need no phrase
    without_part = GOOD.replace('<id/region/hamburg#count> mg:value 2 {| oa:exact "sind zwei" |} .',
                                "")
    with pytest.raises(DataError, match=r"(?s)1 statement.*memberCount"):
        run(tmp_path, without_part)


DERIVED = """
region:hamburg mg:managedBy <id/organisation/x> {|
    mg:rule "aus dem Namen"@de ; mg:confidence "medium" ;
    prov:wasDerivedFrom <<( <id/region/hamburg#count> mg:value 2 )>> |} .
"""


def test_a_derived_statement_names_its_rule_and_what_it_rests_on(tmp_path: Path) -> None:
    store = ox.Store()
    store.extend(run(tmp_path, GOOD, DERIVED))
    row, = store.query(f"""
        PREFIX mg: <{BASE}ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?rule ?basis ?object WHERE {{ GRAPH <{BASE}graph/derived> {{
          ?d a mg:DerivedStatement ; rdf:object ?o ; mg:rule ?rule ; mg:confidence "medium" ;
             prov:wasDerivedFrom ?basis }}
          GRAPH <{BASE}graph/page> {{ ?basis rdf:object ?object }} }}
    """, prefixes={"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"})
    assert row["rule"].value == "aus dem Namen"
    assert row["basis"].value.startswith(BASE + "source/page#statement-")
    assert row["object"].value == "2"


@pytest.mark.parametrize(("derived", "message"), [
    (DERIVED.replace('mg:rule "aus dem Namen"@de ;', ""), r"needs mg:rule"),
    (DERIVED.replace("mg:value 2", "mg:value 3"), r"which no graph states"),
    ("region:hamburg mg:managedBy <id/organisation/x> .", r"says neither how it was derived"),
])
def test_a_derivation_without_its_parts_is_refused(tmp_path: Path, derived: str,
                                                    message: str) -> None:
    with pytest.raises(DataError, match=message):
        run(tmp_path, GOOD, derived)


def test_annotations_outside_seed_and_derived_graphs_are_refused(tmp_path: Path) -> None:
    catalogue, seeds = seed_page(tmp_path)
    with pytest.raises(DataError, match=r"graph 'other' is neither"):
        evidence.apply(catalogue + quads(GOOD, "other"), BASE, seeds)


def test_a_table_cell_marks_the_words_around_its_phrase() -> None:
    claim = [ox.Quad(ox.NamedNode(BASE + "id/membership/m"), ox.NamedNode(BASE + "ontology#p"),
                     ox.Literal("v"), ox.NamedNode(BASE + "graph/page"))]
    made = list(evidence_quads(claim, "die [[Metropolregion Hamburg]] und | elf", Context(BASE)))
    values = sorted((q.predicate.value.rsplit("#", 1)[-1], q.object.value) for q in made
                    if isinstance(q.object, ox.Literal))
    assert values == [("exact", "Metropolregion Hamburg"), ("exact", "elf"), ("prefix", "die "),
                      ("suffix", " und")]


# -- the real data --

@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("project")
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, copy / name)
    return copy


needs_seeds = pytest.mark.skipif(not Path(config.load({}, environ={})["seeds_dir"]).is_dir(),
                                 reason="the seed pages' texts are not beside the project")


@needs_seeds
def test_the_real_data_passes_and_a_statement_losing_its_evidence_fails(project_copy: Path) -> None:
    settings = config.load({"project_dir": str(project_copy)}, environ={})
    pipeline.read_inputs(settings, progress=lambda message: None)
    path = project_copy / "data/statements/ikm-ueber-ikm.ttl"
    text = path.read_text(encoding="utf-8")
    annotation = re.search(r'skos:altLabel "IKM" (\{\|[^|]*\|\})', text)
    assert annotation, "the IKM's short name carries its phrase"
    path.write_text(text.replace(annotation.group(1), "", 1), encoding="utf-8")
    try:
        with pytest.raises(DataError, match=r'(?s)ikm-ueber-ikm.*without evidence.*altLabel> "IKM"'):
            pipeline.read_inputs(settings, progress=lambda message: None)
    finally:
        path.write_text(text, encoding="utf-8")


@needs_seeds
def test_a_phrase_the_page_does_not_hold_fails_the_real_build(project_copy: Path) -> None:
    settings = config.load({"project_dir": str(project_copy)}, environ={})
    table = project_copy / "data/tables/memberships.csv"
    text = table.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert all(row["evidence"] for row in rows), "every membership row has evidence"
    rows[0]["evidence"] = "eine erfundene Wendung"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    table.write_text(out.getvalue(), encoding="utf-8")
    try:
        with pytest.raises(DataError, match=r"'eine erfundene Wendung' is not in the source"):
            pipeline.read_inputs(settings, progress=lambda message: None)
    finally:
        table.write_text(text, encoding="utf-8")


# -- the real build --

@needs_seeds
def test_every_seed_page_has_its_phrases_in_the_release(select) -> None:
    rows = select("""SELECT ?source (COUNT(DISTINCT ?quote) AS ?quotes) WHERE {
        ?quote a oa:Annotation ; oa:hasTarget/oa:hasSource ?source ;
               oa:hasTarget/oa:hasSelector/oa:exact ?exact ; oa:hasBody ?statement .
        ?statement a rdf:Statement } GROUP BY ?source""")
    counts = {r["source"].rsplit("/", 1)[-1]: int(r["quotes"]) for r in rows}
    seeds = {"hbgw-ikm-sprecher", "ikm-fruehjahrstagung-2019", "hbgw-kommunen-klausurtagung-2023",
             "ikm-ueber-ikm", "heidekreis-kooperationen"}
    assert all(counts.get(name, 0) >= 20 for name in seeds), counts


def test_the_documented_query_finds_the_statements_of_a_phrase(select) -> None:
    rows = select("""SELECT ?s ?p ?o WHERE {
        ?quote oa:hasTarget/oa:hasSelector/oa:exact ?exact ;
               oa:hasBody [ rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ] .
        FILTER CONTAINS(?exact, "alle elf") }""")
    assert rows, "docs/data-model.md promises an answer"


def test_entity_pages_show_the_phrase_beside_its_source(client) -> None:
    page = client.get("/id/network/ikm", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert page.count('<q class="evidence" lang="de">') >= 3
    english = client.get("/id/network/ikm?lang=en",
                         headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<q class="evidence" lang="de">' in english  # the page's words stay German, marked


def test_derived_statements_stand_apart_with_their_rule(select) -> None:
    rows = select("""SELECT ?s ?p ?o ?rule WHERE { GRAPH graph:derived {
        ?d a mg:DerivedStatement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
           mg:rule ?rule ; prov:wasDerivedFrom ?basis ; mg:confidence ?c } }""")
    assert any(r["p"].endswith("#managedBy") and r["s"].endswith("/region/mitteldeutschland")
               for r in rows)
    stated = select("""SELECT ?g WHERE { GRAPH ?g {
        region:mitteldeutschland mg:managedBy organisation:metropolregion-mitteldeutschland-management-gmbh
    } }""")
    assert {r["g"].rsplit("/", 1)[-1] for r in stated} == {"derived"}


def test_no_seed_graph_states_a_managing_body_from_a_company_name(select) -> None:
    """The audit's inferences: the seed pages name the companies, not that they run a region."""
    stated = select("""SELECT ?region ?g WHERE { GRAPH ?g { ?region mg:managedBy ?body }
        VALUES ?region { region:mitteldeutschland region:hbgw } }""")
    assert {(r["region"].rsplit("/", 1)[-1], r["g"].rsplit("/", 1)[-1]) for r in stated} >= {
        ("mitteldeutschland", "derived"), ("hbgw", "derived")}
    seed_graphs = {"hbgw-ikm-sprecher", "ikm-fruehjahrstagung-2019",
                   "hbgw-kommunen-klausurtagung-2023", "ikm-ueber-ikm", "heidekreis-kooperationen"}
    assert not {r["g"].rsplit("/", 1)[-1] for r in stated} & seed_graphs


def test_entity_pages_do_not_list_the_statements_about_them_as_links(client) -> None:
    """A statement's evidence stands beside its fact; the rdf:Statement nodes naming the
    entity (rdf:subject/rdf:object) are not shown as links of slugs."""
    html = client.get("/id/contact/ikm-allgemein",
                      headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "info@deutsche-metropolregionen.org" in html and "Kontaktstelle" in html
    assert "statement-" not in html and "„object“" not in html and "„subject“" not in html
