"""The planner's views through the Flask test client over the real build: pages, JSON shapes,
parameters (400 for bad ones, never 500), escaping, ETag/304."""

from __future__ import annotations

import pytest

from metrograph.model.geometry import parse_wkt, simplify

BASE = "https://w3id.org/metrograph/"


@pytest.mark.parametrize("path", ["/map", "/explore", "/timeline", "/questions",
                                  "/questions/20-overlapping-kreise-current",
                                  "/map?region=hamburg&date=2019-04-01&lang=en",
                                  "/explore?focus=network:ikm&depth=2",
                                  "/timeline?subject=network:ikm&date=2019-04-15"])
def test_pages_render(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.data
    assert response.content_type.startswith("text/html")
    assert b'src="/static/views/' in response.data or path == "/questions"
    assert b"<script src=\"http" not in response.data  # nothing from elsewhere


def test_navigation_links_the_views(client):
    body = client.get("/map").get_data(as_text=True)
    for path in ("/map", "/explore", "/timeline", "/questions"):
        assert f'href="{path}"' in body


def test_map_geojson_has_every_kreis_with_regions_and_attribution(client):
    response = client.get("/api/map.geojson")
    assert response.status_code == 200
    assert response.content_type.startswith("application/geo+json")
    geo = response.get_json()
    assert geo["type"] == "FeatureCollection"
    assert len(geo["features"]) == 400
    assert "GeoBasis-DE / BKG" in geo["attribution"]
    assert len(response.data) < 1_000_000  # simplified for the map
    regions = {r["slug"]: r for r in geo["regions"] if r["layer"] == "metropolitan"}
    assert len(regions) == 12
    hamburg = regions["hamburg"]
    assert hamburg["kreise"] > 15 and 25_000 < hamburg["areaKm2"] < 35_000
    assert 5_000_000 < hamburg["population"] < 6_000_000
    assert BASE + "id/network/ikm" in hamburg["networks"]
    heide = next(f for f in geo["features"] if f["properties"]["ags"] == "03358")
    linked = {link["region"] for link in heide["properties"]["regions"] if link["kind"] == "member"}
    assert {BASE + "id/region/hamburg", BASE + "id/region/hbgw"} <= linked
    ring = heide["geometry"]["coordinates"][0][0]
    assert ring[0] == ring[-1] and all(len(str(x).split(".")[-1]) <= 3 for x, _ in ring)


def test_map_filters_by_region_and_date(client):
    geo = client.get("/api/map.geojson?region=hamburg").get_json()
    regions = {link["region"] for f in geo["features"] for link in f["properties"]["regions"]}
    assert regions == {BASE + "id/region/hamburg"}
    leader = "organisation:leader-naturparkregion-lueneburger-heide"
    before = client.get(f"/api/map.geojson?region={leader}&date=2019-04-01").get_json()
    after = client.get(f"/api/map.geojson?region={leader}&date=2024-04-01").get_json()
    def count(geo: dict) -> int:  # Kreise that belong to the region on the day
        return sum(any(link["standing"] in {"valid", "attested"} for link in f["properties"]["regions"])
                   for f in geo["features"])

    assert count(before) >= 1 and count(after) == 0
    # what no source dates for 2024 (the Heidekreis page, undated, names the region) stays
    # on the map as undated, never as a member
    assert {link["standing"] for f in after["features"] for link in f["properties"]["regions"]} \
        <= {"undated"}


@pytest.mark.parametrize("query", ["date=2019-13-01", "date=yesterday", "region=atlantis",
                                   "network=nope", "region=%3Cscript%3E", "date=1&date=2",
                                   "region=foo:bar"])
def test_map_bad_parameters_are_400(client, query):
    response = client.get("/api/map.geojson?" + query)
    assert response.status_code == 400
    assert response.content_type.startswith("text/plain")
    assert client.get("/map?" + query).status_code == 400


def test_etag_and_304(client):
    first = client.get("/api/graph.json?focus=network:ikm")
    etag = first.headers["ETag"]
    again = client.get("/api/graph.json?focus=network:ikm", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_graph_focus_neighbourhood_and_csv(client):
    view = client.get("/api/graph.json?focus=network:ikm&depth=1").get_json()
    ids = {n["id"] for n in view["nodes"]}
    assert BASE + "id/region/hamburg" in ids and BASE + "id/network/ikm" in ids
    assert all(e["source"] in ids and e["target"] in ids for e in view["edges"])
    assert sum(BASE + "id/network/ikm" in (e["source"], e["target"]) for e in view["edges"]) >= 12
    overview = client.get("/api/graph.json").get_json()
    assert not any(n["kind"] in {"kreis", "gemeinde"} for n in overview["nodes"])
    # through which association: Kreis → Verein → GmbH at depth 2
    deep = client.get("/api/graph.json?focus=organisation:metropolregion-hbgw-gmbh&depth=2")
    kinds = {n["kind"] for n in deep.get_json()["nodes"]}
    assert {"company", "verein", "kreis"} <= kinds
    csv = client.get("/api/graph.csv?focus=network:ikm")
    assert csv.status_code == 200 and csv.content_type.startswith("text/csv")
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith("member,memberLabel,organisation")
    assert len(lines) == len(view["edges"]) + 1


@pytest.mark.parametrize("query", ["focus=kreis:99999", "depth=0", "depth=4", "depth=x",
                                   "date=2019-02-30", "focus=http://example.org/x"])
def test_graph_bad_parameters_are_400(client, query):
    assert client.get("/api/graph.json?" + query).status_code == 400


def test_timeline_of_ikm(client):
    t = client.get("/api/timeline.json?subject=network:ikm").get_json()
    assert t["subject"] == BASE + "id/network/ikm"
    members = {m["other"] for m in t["memberships"] if m["direction"] == "members"}
    assert BASE + "id/region/hamburg" in members
    dates = {a["date"] for m in t["memberships"] for a in m["attested"]}
    assert "2019-04-04" in dates
    assert any(e["start"] == "2019-04-04" for e in t["events"])
    assert t["posts"]
    # people's names carry no language tag; they must still be shown by name
    assert "Jakob Richter" in {p["personLabel"] for p in t["posts"]}
    leader = client.get("/api/timeline.json?subject=organisation:leader-hohe-heide").get_json()
    assert {(m["start"], m["end"]) for m in leader["memberships"]} == {("2023", "2027")}
    assert client.get("/api/timeline.json?subject=kreis:99999").status_code == 400


def test_question_list_and_page(client):
    body = client.get("/questions").get_data(as_text=True)
    assert "/questions/41-network-members-on-date" in body
    page = client.get("/questions/40-gemeinden-of-kreis-by-leader-region?kreis=kreis:03358")
    text = page.get_data(as_text=True)
    assert '<option value="kreis:03358" selected>Heidekreis</option>' in text
    assert 'type="date"' in text and "/sparql?query=" in text
    assert client.get("/questions/nope").status_code == 404


def test_question_json_binds_parameters(client):
    r = client.get("/api/questions/41-network-members-on-date.json?day=2019-04-15").get_json()
    assert r["parameters"]["day"] == "2019-04-15"
    members = {row["member"]["value"] for row in r["rows"]}
    assert len(members) == 12
    kinds = {c["name"]: c["kind"] for c in r["columns"]}
    assert kinds["member"] == "region"
    assert r["labels"][BASE + "id/region/hamburg"] == "Metropolregion Hamburg"
    q42 = client.get("/api/questions/42-region-kreise-area-population.json").get_json()
    kinds = {c["name"]: c["kind"] for c in q42["columns"]}
    assert kinds["kreis"] == "kreis" and kinds["population2023"] == "number"


@pytest.mark.parametrize("query", ["day=2019-04-99", "day=%22%7D%20DROP", "nope=1",
                                   "organisation=%3Cjavascript:x%3E"])
def test_question_bad_parameters_are_400(client, query):
    response = client.get("/api/questions/41-network-members-on-date.json?" + query)
    assert response.status_code == 400, response.data
    text = response.get_data(as_text=True)
    named = query.split("=")[0]
    assert named in text or "day" in text, text  # the message names what to fix


def test_injection_attempt_is_a_value_not_query_text(client):
    evil = 'x" } ; DROP ALL ; SELECT * { "'
    response = client.get("/api/questions/12-network-partners-and-guests.json",
                          query_string={"network": evil})
    assert response.status_code == 400


def test_config_json_in_pages_is_escaped(client):
    body = client.get("/map?lang=en").get_data(as_text=True)
    config = body.split('id="view-config">')[1].split("</script>")[0]
    assert "<" not in config and ">" not in config


def test_wkt_parsing_and_simplification():
    geometry = parse_wkt("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> MULTIPOLYGON("
                         "((0 0, 1 0, 1.00001 0.00001, 1 1, 0 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))")
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 2
    simple = simplify(geometry)
    assert simple["coordinates"][0][0] == [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    assert parse_wkt("POINT(1 2)") is None
