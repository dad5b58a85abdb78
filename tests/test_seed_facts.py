"""Facts of each source document are in the built graph, in that source's named graph."""

from __future__ import annotations

import pytest


def in_graph(ask, source: str, pattern: str) -> bool:
    """Does the graph of ``source`` contain the (prefixed) triple pattern?"""
    return ask(f"ASK {{ GRAPH graph:{source} {{ {pattern} }} }}")


# ---------------------------------------------------------------- seed 000: IKM spokespersons

def test_ikm_spokesperson_and_deputies(select) -> None:
    rows = select("""
        SELECT ?name ?role WHERE { GRAPH graph:hbgw-ikm-sprecher {
            ?post org:postIn network:ikm ; org:role ?role ; org:heldBy ?p . ?p schema:name ?name } }""")
    got = {(r["name"], r["role"].rsplit("/", 1)[1]) for r in rows}
    assert ("Jakob Richter", "spokesperson") in got
    assert ("Ralph Schlusche", "deputy-spokesperson") in got
    assert ("Christa Standecker", "deputy-spokesperson") in got


def test_jakob_richter_heads_the_hamburg_office(ask) -> None:
    assert in_graph(ask, "hbgw-ikm-sprecher", """
        person:jakob-richter org:holds ?post . ?post org:role role:head ; org:postIn ?unit .
        ?unit org:unitOf region:hamburg""")


def test_ikm_contact_as_published(select) -> None:
    [row] = select("""SELECT ?phone ?mail ?street ?zip WHERE { GRAPH graph:hbgw-ikm-sprecher {
        ?c schema:name "Tanja Blätter, Metropolregion Hamburg" ; schema:telephone ?phone ;
        schema:email ?mail ; schema:address [ schema:streetAddress ?street ; schema:postalCode ?zip ] } }""")
    assert row == {"phone": "+49 40-428 41 2603", "mail": "tanja.blaetter@metropolregion.hamburg.de",
                   "street": "Alter Steinweg 4", "zip": "20459"}


def test_the_page_gives_the_contact_person_no_post_and_the_ikm_no_address(select) -> None:
    """Seed 000 prints a contact block and an address on their own: no post, no e-mail of the
    IKM; that the contacts are the IKM's is the project's reading (graph derived)."""
    assert not select("""SELECT ?post WHERE { person:tanja-blaetter org:holds ?post }""")
    assert not select("""SELECT ?mail WHERE { network:ikm schema:email ?mail }""")
    rows = select("""SELECT ?g ?c WHERE { GRAPH ?g { network:ikm schema:contactPoint ?c } }""")
    assert {r["g"].rsplit("/", 1)[1] for r in rows} == {"derived"}
    assert {r["c"].rsplit("/", 1)[1] for r in rows} == {"ikm", "ikm-allgemein"}


# ---------------------------------------------------------------- seed 001: 55th IKM meeting

def test_ikm_had_twelve_members_in_april_2019(select) -> None:
    rows = select("""SELECT DISTINCT ?r WHERE { GRAPH graph:ikm-fruehjahrstagung-2019 {
        ?m org:organization network:ikm ; org:member ?r ; org:role role:member } }""")
    assert len(rows) == 12
    assert any(r["r"].endswith("/region/ruhr") for r in rows)


def test_55th_meeting_place_dates_and_host(select) -> None:
    [row] = select("""SELECT ?n ?start ?end ?host (COUNT(?place) AS ?places) WHERE {
        GRAPH graph:ikm-fruehjahrstagung-2019 { event:ikm-tagung-55 mg:sequenceNumber ?n ;
        schema:startDate ?start ; schema:endDate ?end ; mg:host ?host ; schema:location ?place } }
        GROUP BY ?n ?start ?end ?host""")
    assert (row["n"], row["start"], row["end"]) == ("55", "2019-04-04", "2019-04-05")
    assert row["host"].endswith("/region/rhein-neckar") and row["places"] == "2"


def test_guests_and_woelpert(ask) -> None:
    for guest in ("organisation:metropolregion-wien", "organisation:metropolregion-zuerich",
                  "organisation:metropolregion-amsterdam", "network:imeg"):
        assert ask(f"""ASK {{ ?m org:organization network:ikm ; org:member {guest} ;
            org:role role:guest ; dct:source source:ikm-fruehjahrstagung-2019 }}""")
    assert in_graph(ask, "ikm-fruehjahrstagung-2019", """
        ?post org:heldBy person:reinhard-woelpert ; org:role role:managing-director ;
              org:postIn organisation:metropolregion-mitteldeutschland-management-gmbh""")


def test_mitteldeutschland_monitor_and_hydrogen_study(ask) -> None:
    assert in_graph(ask, "ikm-fruehjahrstagung-2019", """
        doc:mitteldeutschland-monitor-3 a mg:Study ; mg:sequenceNumber 3 ;
            schema:contributor region:mitteldeutschland ,
                organisation:saechsische-agentur-strukturentwicklung""")
    assert in_graph(ask, "ikm-fruehjahrstagung-2019", """
        doc:folgeuntersuchung-wasserstoffnetz-mitteldeutschland
            mg:partnerCount [ mg:value 70 ; mg:qualifier mg:MoreThan ]""")


# ---------------------------------------------------------------- seed 002: Verein Kommunen

def test_verein_kommunen_51_members_and_chair(ask) -> None:
    src = "hbgw-kommunen-klausurtagung-2023"
    assert in_graph(ask, src, "organisation:verein-kommunen-metropolregion mg:memberCount [ mg:value 51 ]")
    assert in_graph(ask, src, """post:verein-kommunen-vorsitz org:heldBy person:henning-heiss ;
        org:role role:chair . person:henning-heiss org:holds [ org:postIn kreis:03157 ]""")


def test_hbgw_gmbh_shareholders(select) -> None:
    rows = select("""SELECT ?s WHERE { GRAPH graph:hbgw-kommunen-klausurtagung-2023 {
        ?m org:organization organisation:metropolregion-hbgw-gmbh ; org:member ?s ;
           org:role role:shareholder } }""")
    members = {r["s"].split("/id/", 1)[1] for r in rows}
    assert members == {
        "organisation/verein-kommunen-metropolregion", "organisation/verein-wissenschaft-metropolregion",
        "organisation/verein-wirtschaft-metropolregion", "land/03",
    }
    # "die namensgebenden Städte": which they are, the project reads from the company's name
    derived = select("""SELECT ?s WHERE { GRAPH graph:derived {
        ?m org:organization organisation:metropolregion-hbgw-gmbh ; org:member ?s ;
           org:role role:shareholder } }""")
    assert {r["s"].split("/id/", 1)[1] for r in derived} == {
        "gemeinde/03241001", "gemeinde/03101000", "gemeinde/03159016", "gemeinde/03103000"}


def test_hbgw_area_population_and_fields_of_action(select) -> None:
    rows = select("""SELECT ?p ?v ?q WHERE { GRAPH graph:hbgw-kommunen-klausurtagung-2023 {
        VALUES ?p { mg:area mg:population } region:hbgw ?p [ mg:value ?v ; mg:qualifier ?q ] } }""")
    got = {(r["p"].rsplit("#")[1], float(r["v"]), r["q"].rsplit("#")[1]) for r in rows}
    assert got == {("area", 19000, "Approximately"), ("population", 3_900_000, "Approximately")}
    fields = select("""SELECT ?f WHERE { GRAPH graph:hbgw-kommunen-klausurtagung-2023 {
        region:hbgw mg:fieldOfAction ?f } }""")
    assert {f["f"].rsplit("/", 1)[1] for f in fields} == {
        "mobilitaet", "gesundheitswirtschaft", "standortmarketing"}


def test_retreat_in_einbeck(ask) -> None:
    assert in_graph(ask, "hbgw-kommunen-klausurtagung-2023", """
        event:verein-kommunen-klausurtagung-2023 schema:location gemeinde:03155013 ;
            mg:host gemeinde:03155013 .
        post:buergermeister-einbeck org:heldBy person:sabine-michalek""")
    # "gestern und heute" in the item of 17 November 2023: the dates are the project's reading
    assert in_graph(ask, "derived", """event:verein-kommunen-klausurtagung-2023
        schema:startDate "2023-11-16"^^xsd:date ; schema:endDate "2023-11-17"^^xsd:date""")


# ---------------------------------------------------------------- seed 003: About IKM

def test_ikm_founded_2001_eleven_members_and_working_groups(ask) -> None:
    src = "ikm-ueber-ikm"
    assert in_graph(ask, src, 'network:ikm schema:foundingDate "2001"^^xsd:gYear')
    assert in_graph(ask, src, "network:ikm mg:memberCount [ mg:value 11 ]")
    assert in_graph(ask, src, """organisation:ikm-arbeitskreis-europa org:unitOf network:ikm .
        organisation:ikm-arbeitskreis-monitoring org:unitOf network:ikm""")


def test_position_papers_2018_to_2021(select) -> None:
    rows = select("""SELECT ?y WHERE { GRAPH graph:ikm-ueber-ikm {
        ?d a mg:PositionPaper ; schema:author network:ikm ; schema:datePublished ?y } }""")
    assert sorted(r["y"] for r in rows) == ["2018", "2019", "2020", "2020", "2021"]


def test_partners_metrex_members_and_mkro(select, ask) -> None:
    partners = select("SELECT ?p WHERE { GRAPH graph:ikm-ueber-ikm { network:ikm mg:partner ?p } }")
    assert {p["p"].rsplit("/", 1)[1] for p in partners} == {"bbsr", "bmi", "imeg", "metrex"}
    metrex = select("""SELECT ?r WHERE { GRAPH graph:ikm-ueber-ikm {
        ?m org:organization network:metrex ; org:member ?r } }""")
    assert len(metrex) == 10
    assert not any(r["r"].endswith(("/nordwest", "/ruhr")) for r in metrex)
    assert in_graph(ask, "ikm-ueber-ikm", """event:mkro-anerkennung-2005
        schema:organizer organisation:mkro ; schema:startDate "2005"^^xsd:gYear""")


# ---------------------------------------------------------------- seed 004: Heidekreis

def test_heidekreis_in_two_regions(select) -> None:
    rows = select("""SELECT ?r WHERE { ?m org:member kreis:03358 ; org:organization ?r ;
        org:role role:member ; dct:source source:heidekreis-kooperationen }""")
    assert {r["r"].rsplit("/", 1)[1] for r in rows} == {"hamburg", "hbgw"}


def test_heidekreis_leader_regions_and_cooperations(select) -> None:
    rows = select("""SELECT ?c ?t WHERE { GRAPH graph:heidekreis-kooperationen {
        ?c mg:involvesMunicipalitiesOf kreis:03358 ; a ?t } }""")
    leader = {r["c"] for r in rows if r["t"].endswith("#LeaderRegion")}
    assert len(leader) == 5
    assert any(r["c"].endswith("zweckverband-aller-leine-tal") and r["t"].endswith(
        "#SpecialPurposeAssociation") for r in rows)


def test_hamburg_composition_area_population(select) -> None:
    rows = select("""SELECT ?v ?what WHERE { GRAPH graph:heidekreis-kooperationen {
        region:hamburg mg:memberCount [ mg:value ?v ; mg:countOf ?what ] } }""")
    assert {(r["v"], r["what"].rsplit("#")[1]) for r in rows} == {
        ("17", "RuralDistrict"), ("2", "DistrictFreeCity")}
    [pop] = select("""SELECT ?v ?q WHERE { GRAPH graph:heidekreis-kooperationen {
        region:hamburg mg:population [ mg:value ?v ; mg:qualifier ?q ] } }""")
    assert pop["v"] == "5000000" and pop["q"].endswith("#MoreThan")


# ---------------------------------------------------------------- provenance in general

@pytest.mark.parametrize("source", [
    "hbgw-ikm-sprecher", "ikm-fruehjahrstagung-2019", "hbgw-kommunen-klausurtagung-2023",
    "ikm-ueber-ikm", "heidekreis-kooperationen",
])
def test_each_seed_is_a_described_source(select, source: str) -> None:
    [row] = select(f"""SELECT ?title (COUNT(?s) AS ?typed) WHERE {{
        source:{source} a mg:SourceDocument ; dct:title ?title .
        ?s dct:source source:{source} }} GROUP BY ?title""")
    assert row["title"] and int(row["typed"]) >= 10


def test_disputed_ikm_member_count_is_kept_per_source(select) -> None:
    rows = select("""SELECT ?v ?src WHERE { network:ikm mg:memberCount ?f .
        ?f mg:value ?v ; dct:source ?src }""")
    assert {(r["v"], r["src"].rsplit("/", 1)[1]) for r in rows} == {
        ("12", "ikm-fruehjahrstagung-2019"), ("11", "ikm-ueber-ikm")}
