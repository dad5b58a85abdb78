"""The regions' history on the real build (graph/region-history): each region's recognition with
its year or day and name, the predecessors and successors, the low-confidence claim of the
commercial page, the sources cited by their own addresses, question 43 and the region pages."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from metrograph.build import inputs, query_catalogue

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/metrograph/"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: hosts of copies (a proxy, mirrors) that must never be cited as a source's address
COPIES = ("fanyv88.com", "wikiup.org", "classicistranieri.com")


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def recognitions(select) -> dict[str, dict[str, str]]:
    """Each current region → its recognition (its own, or that of the region it was part of)."""
    rows = select("""SELECT ?region ?recognition ?date ?name WHERE {
        ?region a mg:MetropolitanRegion .
        { ?recognition org:resultingOrganization ?region }
        UNION { ?change org:resultingOrganization ?region ; org:originalOrganization ?former .
                ?recognition org:resultingOrganization ?former }
        ?recognition a mg:Recognition ; schema:startDate ?date ; mg:nameAtEvent ?name }""")
    return {local(r["region"]): r for r in rows}


def test_every_current_region_has_a_recognition_with_year_and_name(select, recognitions) -> None:
    regions = {local(r["r"]) for r in select("SELECT ?r WHERE { ?r a mg:MetropolitanRegion }")}
    assert len(regions) == 12 and set(recognitions) == regions
    names = {region: r["name"] for region, r in recognitions.items()}
    assert names["frankfurtrheinmain"] == "Rhein-Main" and names["nordwest"] == "Bremen-Oldenburg"
    assert names["hbgw"] == "Hannover-Braunschweig-Göttingen"
    assert names["mitteldeutschland"] == "Halle/Leipzig-Sachsendreieck"
    assert {region: r["date"][:4] for region, r in recognitions.items()
            if region in ("hamburg", "mitteldeutschland", "nuernberg")} == {
        "hamburg": "1995", "mitteldeutschland": "1997", "nuernberg": "2005"}


def test_recognitions_belong_to_the_mkro_decision_of_their_year(select) -> None:
    rows = select("""SELECT ?recognition ?decision ?day ?organizer WHERE {
        ?recognition a mg:Recognition ; schema:superEvent ?decision .
        ?decision a mg:Decision ; schema:startDate ?day ; schema:organizer ?organizer ;
                  schema:description ?d FILTER (LANG(?d) = "en") }""")
    days = {local(r["recognition"]): r["day"] for r in rows}
    assert days["anerkennung-hamburg"] == "1995-03-08"
    assert days["anerkennung-rhein-ruhr"] == "1995-03-08"
    assert days["anerkennung-nordwest"] == "2005-04-28"
    assert "anerkennung-mitteldeutschland" not in days  # no decision of 1997 is recorded
    assert {local(r["organizer"]) for r in rows} == {"mkro"}


def test_rheinland_and_ruhr_come_from_rhein_ruhr_with_no_date(select) -> None:
    rows = select("""SELECT ?event ?after ?date ?type WHERE {
        ?event org:originalOrganization region:rhein-ruhr ; org:resultingOrganization ?after .
        OPTIONAL { ?event schema:startDate ?date } region:rhein-ruhr a ?type }""")
    assert {local(r["after"]) for r in rows} == {"rheinland", "ruhr"}
    assert all("date" not in r for r in rows)
    assert {r["type"] for r in rows} == {BASE + "ontology#FormerMetropolitanRegion"}
    assert not select("SELECT ?x WHERE { region:rhein-ruhr a mg:MetropolitanRegion BIND (1 AS ?x) }")


def test_sachsendreieck_renamed_mitteldeutschland_on_27_may_2009(select) -> None:
    rows = select("""SELECT ?date ?before ?after WHERE {
        ?e a mg:Renaming ; org:resultingOrganization region:mitteldeutschland ;
           schema:startDate ?date ; mg:previousName ?before ; mg:nameAtEvent ?after }""")
    assert [(r["date"], r["before"], r["after"]) for r in rows] == [
        ("2009-05-27", "Sachsendreieck", "Metropolregion Mitteldeutschland")]
    typed = select("""SELECT (DATATYPE(?d) AS ?t) (DATATYPE(?i) AS ?ti) WHERE {
        event:umbenennung-mitteldeutschland-2009-05-27 schema:startDate ?d ;
            time:hasTime/time:inXSDDate ?i }""")
    assert typed == [{"t": XSD + "date", "ti": XSD + "date"}]
    merger = select("""SELECT ?date ?partner WHERE { ?e a mg:Merger ; schema:startDate ?date ;
        org:originalOrganization ?partner ; org:resultingOrganization region:mitteldeutschland
        FILTER (?partner != region:mitteldeutschland) }""")
    assert [(r["date"], local(r["partner"])) for r in merger] == [
        ("2014-03-18", "wirtschaftsinitiative-mitteldeutschland")]


def test_years_stay_years(select) -> None:
    rows = select("""SELECT (DATATYPE(?d) AS ?t) WHERE {
        event:umbenennung-hbgw-2008 schema:startDate ?d }""")
    assert rows == [{"t": XSD + "gYear"}]


def test_the_day_from_a_commercial_page_is_of_low_confidence_and_says_so(select) -> None:
    rows = select("""SELECT ?event ?day ?confidence ?why ?note WHERE {
        ?event schema:startDate ?day ; mg:confidence ?confidence ; dct:source ?source ;
               rdfs:comment ?why FILTER (LANG(?why) = "en")
        ?source dcat:accessURL <https://maderer-immobilien.com/nuernberg/> ;
                mg:publisherNote ?note FILTER (LANG(?note) = "de")
        FILTER (STR(?day) = "2005-04-28") }""")
    assert {local(r["event"]) for r in rows} == {"mkro-beschluss-2005-04-28",
                                                  "anerkennung-nuernberg"}
    assert all(r["confidence"] == "low" and "commercial page" in r["why"]
               and "gewerbliche Seite" in r["note"] for r in rows)


def test_managing_bodies_and_networks_have_their_founding_dates(select) -> None:
    rows = select("""SELECT ?org ?date WHERE {
        VALUES ?org { organisation:metropolregion-hbgw-gmbh organisation:metropolregion-rhein-neckar-gmbh
                      network:imeg organisation:kommunale-arbeitsgemeinschaft-rhein-neckar }
        GRAPH <https://w3id.org/metrograph/graph/region-history> { ?org schema:foundingDate ?date } }""")
    assert {local(r["org"]): r["date"] for r in rows} == {
        "metropolregion-hbgw-gmbh": "2009", "metropolregion-rhein-neckar-gmbh": "2006",
        "imeg": "2011-03-17", "kommunale-arbeitsgemeinschaft-rhein-neckar": "1951"}
    managed = select("SELECT ?body WHERE { region:rhein-neckar mg:managedBy ?body }")
    assert {local(r["body"]) for r in managed} >= {"zukunft-metropolregion-rhein-neckar",
                                                   "verband-region-rhein-neckar",
                                                   "metropolregion-rhein-neckar-gmbh"}


def test_sources_are_cited_by_their_own_address_never_a_copy(select) -> None:
    rows = select("""SELECT DISTINCT ?source ?url ?via WHERE {
        GRAPH <https://w3id.org/metrograph/graph/region-history> { ?event dct:source ?source }
        ?source a mg:SourceDocument OPTIONAL { ?source dcat:accessURL ?url }
        OPTIONAL { ?source mg:readVia ?via } }""")
    urls = {r["url"] for r in rows if "url" in r}
    assert len(urls) >= 15
    assert not [u for u in urls if urlsplit(u).hostname.endswith(".")
                or any(copy in urlsplit(u).hostname for copy in COPIES)]
    assert "https://wn.com/Rhine-Neckar" in urls
    assert ("https://de.wikipedia.org/wiki/Metropolregion_Hannover-Braunschweig-G%C3%B6ttingen-"
            "Wolfsburg") in urls
    [proxy] = [r for r in rows if r.get("url") == "https://wn.com/Rhine-Neckar"]
    assert "fanyv88.com" in proxy["via"]
    low = select("""SELECT ?c WHERE { ?e dct:source ?s ; mg:confidence ?c .
                    ?s dcat:accessURL <https://wn.com/Rhine-Neckar> }""")
    assert low == [{"c": "low"}]
    labels = select("""SELECT ?s (COUNT(DISTINCT LANG(?l)) AS ?n) WHERE {
        GRAPH <https://w3id.org/metrograph/graph/catalog-reference-history> {
            ?s a mg:SourceDocument ; rdfs:label ?l } } GROUP BY ?s""")
    assert len(labels) >= 13 and all(r["n"] == "2" for r in labels)


@pytest.fixture(scope="module")
def question_43(graph, base) -> list[dict[str, str]]:
    query = {q.name: q for q in inputs.read_queries(ROOT)}["43-region-recognition-history"]
    result = query_catalogue.run(graph, query, base)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def test_question_43_gives_each_region_its_recognition_name_and_predecessors(question_43) -> None:
    rows = {local(r["region"]): r for r in question_43}
    assert len(rows) == 12 == len(question_43)
    assert rows["rheinland"]["recognisedAs"] == "Rhein-Ruhr"
    assert local(rows["ruhr"]["predecessors"]) == "rhein-ruhr"
    assert rows["nuernberg"]["recognised"] == "2005-04-28" and rows["nuernberg"]["confidence"] == "low"
    assert local(rows["rhein-neckar"]["predecessors"]) == "kommunale-arbeitsgemeinschaft-rhein-neckar"
    assert local(rows["hamburg"]["decision"]) == "mkro-beschluss-1995-03-08"
    assert "decision" not in rows["mitteldeutschland"]
    assert all(r["sources"].startswith("https://") for r in question_43)


def _history(client, path: str) -> str:
    body = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    match = re.search(r'<section aria-labelledby="history">.*?</section>', body, re.DOTALL)
    assert match, f"{path} has no history section"
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(0)))


def test_the_region_page_shows_its_history_in_german_and_in_english(client) -> None:
    de = _history(client, "/id/region/mitteldeutschland")
    en = _history(client, "/id/region/mitteldeutschland?lang=en")
    assert "Geschichte" in de and "27. Mai 2009" in de and "1997" in de
    assert "Umbenennung des Sachsendreiecks" in de and "Halle/Leipzig-Sachsendreieck" in de
    assert "History" in en and "27 May 2009" in en and "Sachsendreieck renamed" in en
    for german in ("Umbenennung", "Anerkennung", "Zusammenschluss", "Geschichte", "Mai 2009",
                   "Zusammenstellung", "Pressebericht"):
        assert german not in en, german
    for english in ("Recognition", "renamed", "Merger", "History", "May 2009", "Compilation"):
        assert english not in de, english
    rheinland = _history(client, "/id/region/rheinland")
    assert "Rhein-Ruhr" in rheinland and "Datum unbekannt" in rheinland
    assert "date unknown" in _history(client, "/id/region/rheinland?lang=en")
    nuernberg = _history(client, "/id/region/nuernberg")
    assert "28. April 2005" in nuernberg and "Verlässlichkeit: gering" in nuernberg
