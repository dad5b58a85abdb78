"""The statistics in the real build: RDF Data Cube observations per Kreis with their sources,
the regions' figures computed from their members by each indicator's rule, checked against the
BBSR's own INKAR aggregates, and the catalogue questions that answer with them."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrograph.build import query_catalogue
from metrograph.build.inputs import read_queries

ROOT = Path(__file__).resolve().parent.parent
QUERIES = {q.name: q for q in read_queries(ROOT)}
#: regions whose member Kreise are the Kreise INKAR aggregates (checked figure by figure)
SAME_DELIMITATION = ("berlin-brandenburg", "frankfurtrheinmain", "hamburg", "hbgw", "nordwest",
                     "nuernberg", "rhein-neckar", "rheinland", "ruhr", "stuttgart")
#: INKAR rounds to two decimals, and so do the Kreise's values the figures are computed from
RELATIVE_TOLERANCE, ABSOLUTE_TOLERANCE = 0.01, 0.01


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@pytest.fixture(scope="module")
def run(graph, base):
    def execute(name: str, **values: str) -> list[dict[str, str]]:
        result = query_catalogue.run(graph, QUERIES[name], base, values)
        names = [v.value for v in result.variables]
        return [{n: row[n].value for n in names if row[n] is not None} for row in result]
    return execute


def test_wolfsburg_gdp_per_inhabitant_2021_with_its_source(select) -> None:
    rows = select("""SELECT ?value ?source ?licence WHERE {
        ?o qb:dataSet ?dataset ; sdmx-dimension:refArea kreis:03103 ;
           sdmx-dimension:refPeriod "2021"^^xsd:gYear ; qb:measureType indicator:q-bip-ew ;
           indicator:q-bip-ew ?value .
        ?dataset dct:source ?source . ?source dct:license ?licence }""")
    assert [(round(float(r["value"]), 1), local(r["source"])) for r in rows] == [(158.7, "inkar-2024")]
    assert rows[0]["licence"] == "https://www.govdata.de/dl-de/by-2-0"


def test_every_region_has_its_gdp_per_inhabitant_2021_and_inkar_beside_it(run) -> None:
    rows = [r for r in run("44-indicator-by-region") if r["year"] == "2021"]
    regions = {local(r["region"]) for r in rows}
    assert regions == {"berlin-brandenburg", "frankfurtrheinmain", "hamburg", "hbgw",
                       "mitteldeutschland", "muenchen", "nordwest", "nuernberg", "rhein-neckar",
                       "rheinland", "ruhr", "stuttgart"}
    assert all(local(r["aggregation"]) == "WeightedMean" and local(r["weight"]) == "PopulationWeight"
               and local(r["unit"]) == "thousand-eur-per-inhabitant" and "inkar" in r for r in rows)
    hamburg = next(r for r in rows if local(r["region"]) == "hamburg")
    assert int(hamburg["kreise"]) >= 20  # the members: Hamburg and the Kreise around it


def test_unemployment_rate_2023_is_the_mean_weighted_by_labour_force(run) -> None:
    rows = run("46-unemployment-rate-by-region-with-weights", year="2023")
    by_region: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_region.setdefault(local(row["region"]), []).append(row)
    assert len(by_region) == 12
    for region, kreise in by_region.items():
        weights = [float(k["weight"]) for k in kreise]
        mean = sum(float(k["kreisRate"]) * w for k, w in zip(kreise, weights, strict=True)) / sum(weights)
        assert abs(mean - float(kreise[0]["regionRate"])) < 0.001, region
    # the weight is the civilian labour force: unemployed persons / rate
    berlin = next(k for k in by_region["berlin-brandenburg"] if local(k["kreis"]) == "11000")
    assert 1.9e6 < float(berlin["weight"]) < 2.2e6


def test_every_kreis_has_its_settlement_structure_type(run, select) -> None:
    rows = run("47-kreistyp-of-every-kreis")
    kreise = {local(r["kreis"]) for r in rows}
    current = {local(r["k"]) for r in select("""SELECT ?k WHERE { GRAPH graph:destatis-gv-2024 {
        { ?k a mg:RuralDistrict } UNION { ?k a mg:DistrictFreeCity } } }""")}
    assert len(current) == 400 and current <= kreise
    wolfsburg = next(r for r in rows if local(r["kreis"]) == "03103")
    assert local(wolfsburg["kreistyp"]) == "kreistyp-1"  # kreisfreie Großstadt
    [label] = select("""SELECT ?l WHERE { code:kreistyp-1 rdfs:label ?l FILTER (LANG(?l) = "de") }""")
    assert label["l"] == "kreisfreie Großstadt"


def test_region_figures_agree_with_inkar_where_the_delimitation_is_the_same(select) -> None:
    rows = select("""SELECT ?region ?indicator ?year ?ours ?inkar WHERE {
        ?f qb:dataSet statistics:region-figures ; qb:measureType ?indicator ;
           sdmx-dimension:refArea ?region ; sdmx-dimension:refPeriod ?year ; ?indicator ?ours .
        ?p qb:dataSet statistics:inkar-2024-regions ; qb:measureType ?indicator ;
           sdmx-dimension:refArea ?region ; sdmx-dimension:refPeriod ?year ; ?indicator ?inkar }""")
    compared = [r for r in rows if local(r["region"]) in SAME_DELIMITATION]
    assert len(compared) > 1500
    off = [r for r in compared if abs(float(r["ours"]) - float(r["inkar"]))
           > RELATIVE_TOLERANCE * abs(float(r["inkar"])) + ABSOLUTE_TOLERANCE]
    assert not off, off[:5]
    # where the members differ from INKAR's delimitation both figures stand side by side
    others = {local(r["region"]) for r in rows} - set(SAME_DELIMITATION)
    assert others == {"mitteldeutschland", "muenchen"}


def test_an_indicator_without_its_weight_has_no_region_figure_and_says_why(select) -> None:
    rows = select("""SELECT ?why WHERE { indicator:q-newfbgu15-bev mg:aggregation mg:NotAggregated ;
        rdfs:comment ?why FILTER (LANG(?why) = "en") }""")
    assert rows and "under 15" in rows[0]["why"]
    assert not select("""SELECT ?f WHERE { ?f qb:dataSet statistics:region-figures ;
        qb:measureType indicator:q-newfbgu15-bev }""")


def test_member_sets_follow_the_membership_rule(select) -> None:
    """Nordsachsen joined Mitteldeutschland on 1 July 2019: not a member on 31 Dec 2018, a member
    on 31 Dec 2019; Kreise only undatedly attested are assumed members, and named so."""
    def members(year: str, prop: str) -> set[str]:
        return {local(r["k"]) for r in select(f"""SELECT ?k WHERE {{
            <https://w3id.org/metrograph/id/region/mitteldeutschland#kreise-{year}> mg:{prop} ?k }}""")}
    assert "14730" not in members("2018", "includesArea") | members("2018", "assumedArea")
    assert "14730" in members("2019", "includesArea")
    assert members("2019", "assumedArea")


def test_observations_name_their_source_through_their_dataset(select) -> None:
    assert not select("""SELECT ?o WHERE { ?o a qb:Observation ; dct:source ?s } LIMIT 1""")
    datasets = {local(r["d"]) for r in select("""SELECT ?d WHERE { ?d a qb:DataSet ; dct:source ?s ;
        qb:structure ?dsd . ?dsd a qb:DataStructureDefinition }""")}
    assert {"inkar-2024", "inkar-2021", "regio-13211", "regio-12411", "regio-82411",
            "inkar-2024-regions", "region-figures", "kreis-weights"} <= datasets


def test_the_dataset_credits_inkar_and_the_regionaldatenbank(select, base) -> None:
    rights = " ".join(r["r"] for r in select(f"SELECT ?r WHERE {{ <{base}dataset> dct:rights ?r }}"))
    assert "Datenquelle: INKAR, BBSR Bonn 2024" in rights
    assert "Statistische Ämter des Bundes und der Länder" in rights


def test_kreis_page_shows_the_latest_values_with_rank_and_course(client) -> None:
    de = client.get("/id/kreis/03103", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<h2 id="indicators">Kennzahlen</h2>' in de
    row = de[de.index('data-indicator="https://w3id.org/metrograph/id/indicator/q-bip-ew"'):]
    row = row[:row.index("</tr>")]
    assert "158,68" in row and "1 von 400" in row and "<polyline" in row and "INKAR 2024" in row
    en = client.get("/id/kreis/03103?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    row = en[en.index('data-indicator="https://w3id.org/metrograph/id/indicator/q-bip-ew"'):]
    row = row[:row.index("</tr>")]
    assert "158.68" in row and "1 of 400" in row and "GDP per inhabitant" in row
    # the observations are in the section, not listed one by one among the incoming links
    assert "inkar-2024.03103" not in de and "„Gebiet“" not in de


def test_region_page_shows_its_computed_figures_and_inkars_beside_them(client) -> None:
    page = client.get("/id/region/hamburg", headers={"Accept": "text/html"}).get_data(as_text=True)
    rows = [r for r in page.split("<tr ")
            if 'data-indicator="https://w3id.org/metrograph/id/indicator/q-bip-ew"' in r]
    assert len(rows) == 2 and sum('data-computed="true"' in r for r in rows) == 1
    assert "aus den Mitgliedskreisen berechnet" in page and "von 12" in page


def test_indicator_page_compares_the_regions_over_the_years(client) -> None:
    page = client.get("/id/indicator/q-bip-ew", headers={"Accept": "text/html"}).get_data(as_text=True)
    table = page[page.index('<table class="region-figures">'):]
    table = table[:table.index("</table>")]
    regions = [r.split('"')[1] for r in table.split('data-region=')[1:]]
    assert len(regions) == 12 and regions[0].endswith("/region/muenchen")  # highest GDP in 2021
    assert "<th scope=\"col\" class=\"number\">2010</th>" in table and "59,257" in table
    # the observations are in the table, not listed one by one
    assert "„Kennzahl“ (5" not in page


def test_observation_pages_are_titled_by_indicator_area_and_period(client) -> None:
    page = client.get("/id/observation/inkar-2024.03103.q-bip-ew.2021",
                      headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Bruttoinlandsprodukt je Einwohner · Wolfsburg, Stadt · 2021" in page


def test_an_answer_downloads_as_csv_described_by_csvw_metadata(patient_app) -> None:
    import csv
    import io
    import json

    client = patient_app.test_client()
    url = "/api/questions/44-indicator-by-region.csv?indicator=indicator:alq-alle"
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    link = response.headers["Link"]
    assert 'rel="describedby"' in link
    metadata_url = "/api/questions/" + link[1:link.index(">")]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 24 and {r["year"] for r in rows} == {"2023", "2025"}
    metadata = json.loads(client.get(metadata_url).get_data())
    assert metadata["@context"] == "http://www.w3.org/ns/csvw"
    assert metadata["url"] == link[1:link.index(">")].replace(".csv-metadata.json", ".csv")
    columns = {c["name"]: c for c in metadata["tableSchema"]["columns"]}
    assert list(columns) == list(rows[0])
    assert columns["value"]["datatype"] == "decimal" and columns["region"]["datatype"] == "anyURI"
    assert columns["year"]["datatype"] == "gYear" and columns["unit"]["titles"]["de"] == "Einheit"
    assert metadata["dc:license"]["@id"].startswith("https://creativecommons.org/licenses/by/4.0")
    assert any("INKAR" in r["@value"] for r in metadata["dc:rights"])
    assert client.get("/api/questions/44-indicator-by-region.csv?bogus=1").status_code == 400


def test_two_regions_compared_indicator_by_indicator(run) -> None:
    rows = {local(r["indicator"]): r for r in run("48-compare-regions", regionA="region:hamburg",
                                                   regionB="region:muenchen", year="2021")}
    assert len(rows) >= 15
    gdp = rows["q-bip-ew"]
    assert round(float(gdp["valueA"]), 2) == 45.97 and round(float(gdp["valueB"]), 2) == 59.26
    assert local(gdp["unit"]) == "thousand-eur-per-inhabitant"


def test_pages_with_figures_carry_their_sources_credit_lines(client) -> None:
    kreis = client.get("/id/kreis/03103", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<p class="credit"><small>Datenquelle: INKAR, BBSR Bonn 2024</small></p>' in kreis
    assert "Datenlizenz Deutschland" in kreis
    region = client.get("/id/region/hamburg?lang=en",
                        headers={"Accept": "text/html"}).get_data(as_text=True)
    # the computed figures credit what they are computed from; German lines are marked German
    assert '<small lang="de">Datenquelle: INKAR, BBSR Bonn 2021</small>' in region
    assert '<small lang="de">© Statistisches Bundesamt (Destatis), 2024' in region
