"""What the compiled membership lists rest on, as the build states it: articles cited instead of
the copies they were read in, a source supporting only what it lists, exits as low-confidence
claims of their own, dated joins, the Gemeinden's Wikidata items and the IMeG's members."""

from __future__ import annotations

from urllib.parse import urlsplit

#: hosts of copies the compilation was read through (mirrors, a reprint, a proxy)
MIRRORS = ("wikiup.org", "classicistranieri.com", "wiki.li", "fastly.net", "remaxbadsoden.com",
           "dnhewrhegkli.shop", "fanyv88.com")
READ_VIA = "https://w3id.org/metrograph/ontology#readVia"


def test_no_copy_is_named_as_a_source(graph) -> None:
    for quad in graph:
        if quad.predicate.value == READ_VIA:
            continue
        for term in (quad.subject, quad.object):
            text = term.value
            assert not any(host in text for host in MIRRORS), (str(quad)[:300])


def test_an_article_read_through_a_copy_is_cited_as_the_article(select) -> None:
    rows = select("""SELECT ?url ?copy ?label WHERE { source:mr-hh-wp dcat:accessURL ?url ;
                       mg:readVia ?copy ; rdfs:label ?label FILTER (LANG(?label) = "de") }""")
    assert [(urlsplit(r["url"]).hostname, urlsplit(r["copy"]).hostname, r["label"])
            for r in rows] == [("de.wikipedia.org", "de.wikiup.org",
                                "Wikipedia-Seite: de.wikipedia.org")]


def test_the_helmholtz_abstract_supports_only_the_kreise_it_lists(select) -> None:
    rows = select("""SELECT ?ags WHERE { ?m org:organization region:hamburg ; org:member ?k ;
                       dct:source source:mr-hh-hzg . ?k mg:ags ?ags }""")
    lands = {r["ags"][:2] for r in rows}
    assert lands == {"01", "03"} and len(rows) == 15, sorted(r["ags"] for r in rows)


def test_a_reported_exit_is_a_low_confidence_claim_of_its_own(select) -> None:
    rows = select("""SELECT ?m ?source ?confidence ?status WHERE {
        ?m org:organization region:rheinland ; org:member kreis:05314 ; dct:source ?source ;
           mg:confidence ?confidence OPTIONAL { ?m mg:membershipStatus ?status } }""")
    claims = {(r["source"].rsplit("/", 1)[-1], r["confidence"], "status" in r) for r in rows
              if "/source/mr-" in r["source"]}  # the pages (the compilation itself aside)
    assert ("mr-rl-exit", "low", True) in claims
    assert all(status == (source == "mr-rl-exit") for source, _, status in claims)
    assert {"mr-rl-wp", "mr-rl-rp"} <= {source for source, _, _ in claims}


def test_joins_keep_their_date_and_precision_and_the_source_giving_it(select) -> None:
    rows = select("""SELECT ?member ?date ?source WHERE {
        ?m org:member ?member ; org:memberDuring/time:hasBeginning/time:inXSDDate|
           org:memberDuring/time:hasBeginning/time:inXSDgYear ?date ; dct:source ?source ;
           org:organization ?region VALUES ?region { region:mitteldeutschland region:nordwest } }""")
    found = {(r["member"].rsplit("/", 1)[-1], r["date"], r["source"].rsplit("/", 1)[-1])
             for r in rows}
    assert {("14730", "2019-07-01", "mr-md-ns"), ("15087", "2017", "mr-md-msh"),
            ("03459", "2010-07-01", "mr-nw-wpde")} <= found


def test_gemeinden_have_their_wikidata_items(select) -> None:
    row, = select("""SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {
                       GRAPH <https://w3id.org/metrograph/graph/wikidata-gemeinden> {
                       ?g skos:exactMatch ?item } ?g a mg:Municipality }""")
    assert row["n"] == "10750"
    assert select("""SELECT ?item WHERE { gemeinde:07232089 skos:exactMatch ?item }""") == []
    assert select("""SELECT ?item WHERE { gemeinde:09162000 skos:exactMatch ?item }""") == [
        {"item": "http://www.wikidata.org/entity/Q1726"}]


def test_the_imeg_members_with_their_founders(select) -> None:
    rows = select("""SELECT ?member ?founding WHERE { ?m org:organization network:imeg ;
                       org:member ?member ; mg:foundingMember ?founding }""")
    members = {r["member"].rsplit("/", 1)[-1]: r["founding"] for r in rows}
    assert len(members) == 9
    assert members["10"] == "true" and members["07"] == "false"
    assert members["regionalverband-mittlerer-oberrhein"] == "true"


def test_every_table_in_the_graph_has_a_licence_and_a_credit_line(select) -> None:
    """Each dataset the graph is built from (official tables and the project's compilations)
    names its licence and the line to credit it with."""
    rows = select("""SELECT ?source (COUNT(?licence) AS ?licences) (COUNT(?rights) AS ?lines) WHERE {
        ?source a mg:SourceDocument , dcat:Dataset .
        OPTIONAL { ?source dct:license ?licence } OPTIONAL { ?source dct:rights ?rights }
    } GROUP BY ?source""")
    names = {r["source"].rsplit("/", 1)[-1] for r in rows}
    assert {"wikidata-gemeinden", "networks-compilation", "region-history"} <= names
    unlicensed = [r["source"] for r in rows if int(r["licences"]) == 0 or int(r["lines"]) == 0]
    assert not unlicensed, unlicensed
