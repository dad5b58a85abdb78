"""One preferred label per entity and language (metrograph.build.preferred_labels), and the
pages name an entity by it."""

from __future__ import annotations


def test_one_preferred_label_per_entity_and_language(select) -> None:
    assert select("""SELECT ?s ?lang WHERE { ?s skos:prefLabel ?l BIND (LANG(?l) AS ?lang) }
                     GROUP BY ?s ?lang HAVING (COUNT(DISTINCT ?l) > 1)""") == []
    unnamed = select("""SELECT ?s WHERE { ?s rdfs:label ?l
        FILTER (!CONTAINS(STR(?s), "#")) FILTER NOT EXISTS { ?s skos:prefLabel ?p
        FILTER (LANG(?p) = LANG(?l)) } } LIMIT 5""")
    assert unnamed == []


def test_the_name_an_entity_gives_itself_then_the_register(select) -> None:
    def preferred(curie: str) -> str:
        row, = select(f"""SELECT ?l WHERE {{ GRAPH <https://w3id.org/metrograph/graph/derived-labels>
            {{ {curie} skos:prefLabel ?l FILTER (LANG(?l) = "de") }} }}""")
        return row["l"]

    # three German names from three sources; the IKM's own page gives this one
    assert len(select("""SELECT DISTINCT ?l WHERE { network:ikm rdfs:label ?l
                         FILTER (LANG(?l) = "de") }""")) >= 3
    assert preferred("network:ikm") == "Initiativkreis Europäische Metropolregionen in Deutschland"
    assert preferred("gemeinde:03358021") == "Soltau, Stadt"  # Destatis


def test_the_entity_page_is_titled_by_the_preferred_label(client) -> None:
    page = client.get("/id/network/ikm", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<h1 id="entity-label">Initiativkreis Europäische Metropolregionen in Deutschland</h1>' \
        in page
