"""The entity view model (metrograph.pages.entity_page) over the real build, and its pure helpers."""

from __future__ import annotations

import html
import re

import pytest

from metrograph.model.geometry import wkt_to_svg
from metrograph.model.iri_paths import BadPath, iri_for_path, path_for_iri
from metrograph.model.validity import covers
from metrograph.pages.entity_page import Resources
from metrograph.pages.schema_org import schema_json
from metrograph.release import folders

BASE = "https://w3id.org/metrograph/"


@pytest.fixture(scope="module")
def resources(release, settings) -> Resources:
    return Resources(folders.open_read_only(release), settings["base_iri"], release.id)


def test_paths_map_to_iris_under_the_base_only():
    assert iri_for_path(BASE, "/id/kreis/03358") == BASE + "id/kreis/03358"
    assert iri_for_path(BASE, "/ontology") == BASE + "ontology"
    assert iri_for_path(BASE, "/dataset") == BASE + "dataset"
    assert iri_for_path(BASE, "/graph/catalog") == BASE + "graph/catalog"
    assert iri_for_path(BASE, "/sparql") is None
    assert iri_for_path(BASE, "/id/kreis/<script>") is None
    for bad in ("/id/kreis/../x", "/id/./x", "/id/" + "a" * 600, "/id/\ufffd"):
        with pytest.raises(BadPath):
            iri_for_path(BASE, bad)
    assert path_for_iri(BASE, BASE + "id/kreis/03358#area") == "/id/kreis/03358#area"
    assert path_for_iri(BASE, "http://www.wikidata.org/entity/Q5922") is None
    assert path_for_iri("http://example.org/x/", BASE + "id/kreis/03358") is None


def test_dates_compare_at_the_precision_given():
    assert covers("2019", None, "2019-01-01")
    assert covers(None, "2027", "2027-12-31")
    assert not covers(None, "2027", "2028-01-01")
    assert not covers("2019-07-01", None, "2019-06-30")
    assert covers("2024-02", "2024-02", "2024-02-29")
    assert covers(None, None, "1900-01-01")  # an open interval; an undated claim has none


def test_wkt_becomes_inline_svg_without_scripts():
    svg = wkt_to_svg("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> "
                     "MULTIPOLYGON(((9 52, 10 52, 10 53, 9 52)),((11 52, 12 52, 12 53, 11 52)))",
                     title="<script>alert(1)</script>")
    assert svg.startswith("<svg") and svg.count(" M") + svg.count('"M') == 2
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert wkt_to_svg("POINT(9.5 52.5)") is not None
    assert wkt_to_svg("nonsense") is None


def test_schema_json_cannot_close_its_script_element():
    text = schema_json({"name": "</script><script>alert(1)</script>"})
    assert "</script" not in text and "<" not in text


def test_heidekreis_shows_both_regions_with_sources(resources):
    view = resources.view(BASE + "id/kreis/03358", "de")
    assert view.label == "Heidekreis"
    organisations = {row.other.value: row for row in view.memberships}
    assert {BASE + "id/region/hamburg", BASE + "id/region/hbgw"} <= set(organisations)
    labels = {row.other.label for row in view.memberships}
    assert "Metropolregion Hamburg" in labels
    assert any("Hannover" in label and "Wolfsburg" in label for label in labels)
    for row in view.memberships:
        if row.other.value in {BASE + "id/region/hamburg", BASE + "id/region/hbgw"}:
            assert row.sources, row.membership.value
            assert row.role is not None
    assert {name for name, _v, _u in view.identifiers} >= {"AGS", "NUTS", "Wikidata"}
    assert view.map_svg and view.map_svg.startswith("<svg")
    assert view.schema_org["@type"] == "AdministrativeArea"
    assert any(g.total == 26 for g in view.incoming)  # Gemeinden and Verbände in the Kreis
    assert all(st.sources for g in view.outgoing for st in g.statements)


def test_english_labels_and_predicate_labels(resources):
    view = resources.view(BASE + "id/region/hbgw", "en")
    assert view.lang == "en"
    assert any(g.label == "type" for g in view.outgoing)
    de = resources.view(BASE + "id/region/hbgw", "de")
    assert any(g.label == "Typ" for g in de.outgoing)


def test_as_of_date_hides_memberships_that_ended(resources, select):
    # LEADER memberships carry the funding period; find one with an end year
    rows = select("""SELECT ?member ?end WHERE {
        ?m a org:Membership ; org:member ?member ; org:memberDuring/time:hasEnd/time:inXSDgYear ?end
    } ORDER BY ?member LIMIT 1""")
    assert rows, "the reference data has memberships with an end date"
    member, end = rows[0]["member"], int(rows[0]["end"][:4])
    everything = resources.view(member, "de")
    ended = [r for r in everything.memberships if any(c.end and int(c.end[:4]) == end
                                                      for c in r.claims)]
    assert ended and all(r.shown and r.standing == "" for r in everything.memberships)
    during = resources.view(member, "de", f"{end}-06-01")
    after = resources.view(member, "de", f"{end + 1}-01-01")
    assert all(r.standing == "valid" for r in during.memberships if r in ended or any(
        c.end for c in r.claims))
    gone = {e.membership.value for e in ended}
    assert all(r.standing == "outside" and not r.shown
               for r in after.memberships if r.membership.value in gone)
    assert after.hidden >= len(ended)


def test_large_incoming_groups_are_paginated(resources):
    view = resources.view(BASE + "id/land/09", "de", page=2)
    group = next(g for g in view.incoming if g.predicate.endswith("ontology#inState"))
    assert group.total > 1000 and group.pages > 20 and group.page == 2
    assert len(group.statements) == 50
    first = resources.view(BASE + "id/land/09", "de", page=1).incoming[0].statements
    assert {s.term.value for s in first}.isdisjoint({s.term.value for s in group.statements})


def test_descriptions_hold_incoming_links_hash_resources_and_labels(resources):
    triples = resources.description(BASE + "id/kreis/03358")
    subjects = {t.subject.value for t in triples}
    assert BASE + "id/kreis/03358#geometry" in subjects
    assert any(t.object.value == BASE + "id/kreis/03358" and
               t.predicate.value == "http://www.w3.org/ns/org#member" for t in triples)
    assert BASE + "id/land/03" in subjects  # its label, so clients can render the link
    graph = resources.description(BASE + "graph/catalog")
    assert any(t.predicate.value == "http://rdfs.org/ns/void#triples" for t in graph)


def test_look_alike_names_carry_their_type_and_hash_iris_land_on_their_part(client):
    html = client.get("/id/kreis/03358", headers={"Accept": "text/html"}).get_data(as_text=True)
    # "Ahlden" is both a Samtgemeinde (Gemeindeverband) and, as "Ahlden (Aller)", a Gemeinde
    assert re.search(r'>Ahlden</a> <span class="detail">Gemeindeverband</span>', html)
    assert re.search(r'>Ahlden \(Aller\), Flecken</a> <span class="detail">Gemeinde</span>', html)
    # in the region links the type is said once, after the name
    links = html.split('id="table-region-links"', 1)[1].split("</table>", 1)[0]
    assert re.search(r'\(über <a href="/id/gemeindeverband/[^"]+">Ahlden</a> '
                     r'<span class="detail">Gemeindeverband</span>\)', links)
    # the page's own hash IRIs (its figures) are anchors on their rows, its geometry the map
    hashes = set(re.findall(r'href="/id/kreis/03358#([^"]+)"', html))
    assert {"area-2023-12-31"} <= hashes and 'id="geometry"' in html
    for fragment in hashes:
        assert f'id="{fragment}"' in html, fragment
    english = client.get("/id/region/hamburg?lang=en", headers={"Accept": "text/html"})
    assert re.search(r'</a> <span class="detail">[A-Za-z -]+</span>', english.get_data(as_text=True))


def test_notes_appear_only_in_their_language_and_without_internal_codes(client):
    de = client.get("/id/region/rheinland", headers={"Accept": "text/html"}).get_data(as_text=True)
    en = client.get("/id/region/rheinland?lang=en",
                    headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "exit reported" not in de and "RL_EXIT" not in de + en
    assert "exit reported" in en  # the compilation's English note, on the English page


def test_a_long_link_list_can_be_narrowed_to_one_type(client):
    inside = "https://w3id.org/metrograph/ontology#inDistrict"
    page = client.get("/id/kreis/03358", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'class="type-filter"' in page
    gemeinde = "https://w3id.org/metrograph/ontology#Municipality"
    narrowed = client.get("/id/kreis/03358", query_string={"rel": inside, "type": gemeinde},
                          headers={"Accept": "text/html"}).get_data(as_text=True)
    group = narrowed.split('class="type-filter"', 1)[1].split("</section>", 1)[0]
    assert "<strong>Gemeinde (" in group
    assert 'class="detail">Gemeinde</span>' in group
    assert 'class="detail">Gemeindeverband</span>' not in group
    bad = client.get("/id/kreis/03358?rel=x&type=not%20an%20iri", headers={"Accept": "text/html"})
    assert bad.status_code == 400 and b"type" in bad.data


def test_a_description_or_label_in_another_language_is_marked_with_it(client, select):
    """An English page that falls back to a German description (or label) says so in its HTML
    (lang="de" on the element), so a screen reader and a translator are not misled."""
    rows = select("""SELECT ?s (SAMPLE(?d) AS ?text) WHERE {
        ?s rdfs:comment|dct:description ?d
        FILTER(LANG(?d) = "de" && (STRSTARTS(STR(?s), STR(organisation:)) || STRSTARTS(STR(?s), STR(kreis:))))
        FILTER NOT EXISTS { ?s rdfs:comment|dct:description|schema:description|skos:definition ?e
                            FILTER(LANG(?e) != "de") }
        FILTER NOT EXISTS { ?s rdfs:label|skos:prefLabel ?l FILTER(LANG(?l) = "en") }
        } GROUP BY ?s ORDER BY ?s LIMIT 1""")
    assert rows, "the build has an organisation or Kreis with a German-only description and name"
    path = path_for_iri(BASE, rows[0]["s"])
    wanted = rows[0]["text"]
    en = client.get(path + "?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<html lang="en">' in en
    descriptions = re.findall(r'<p class="description"([^>]*)>([^<]*)</p>', en)
    assert descriptions and all(' lang="de"' in attrs for attrs, _ in descriptions)
    assert any(html.unescape(t) == wanted for _, t in descriptions)
    # the heading, a German-only name on the English page, is marked too; not on the German one
    assert re.search(r'<h1 id="entity-label" lang="de">', en)
    de = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<h1 id="entity-label">' in de
    # an English label on the English page needs no mark
    hamburg = client.get("/id/region/hamburg?lang=en",
                         headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<h1 id="entity-label">' in hamburg
