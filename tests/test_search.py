"""The label search index, over the real build: folding, ranking, filters, the page list."""

from __future__ import annotations

import sqlite3

import pytest

from metrograph import search


@pytest.fixture(scope="module")
def index(release):
    idx = search.SearchIndex(release.path / search.INDEX_FILENAME)
    yield idx
    idx.close()


def paths(index, query, **kw):
    return [hit.path for hit in index.search(query, **kw)]


def test_fold_is_case_umlaut_and_eszett_insensitive():
    assert search.fold("Göttingen") == search.fold("GOETTINGEN") == "goettingen"
    assert search.fold("Göttingen", expand_umlauts=False) == "gottingen"
    assert search.fold("Straße") == search.fold("STRASSE") == "strasse"
    assert search.fold("Burg-St. Michaelisdonn") == "burg st michaelisdonn"
    assert search.fold("<script>") == "script"


@pytest.mark.parametrize("query", ["goettingen", "Göttingen", "GÖTTINGEN", "gottingen"])
def test_goettingen_finds_the_gemeinde_first_among_gemeinden(index, query, base):
    hits = index.search(query, limit=20)
    assert hits[0].path == "/id/kreis/03159" and hits[0].match == "exact"  # Landkreis Göttingen
    gemeinden = [h for h in hits if h.kind == "gemeinde"]
    assert gemeinden[0].path == "/id/gemeinde/03159016"  # "Göttingen, Stadt"
    assert gemeinden[0].match == "exact"
    assert hits[0].iri == base + "id/kreis/03159"


def test_abbreviation_finds_the_region_first(index):
    assert paths(index, "HBGW")[0] == "/id/region/hbgw"
    assert paths(index, "hbgw")[0] == "/id/region/hbgw"
    assert paths(index, "IKM")[0] == "/id/network/ikm"


def test_peine_kreis_before_gemeinde(index):
    """Both labels match exactly ("Peine"; "Peine, Stadt" is named Peine): Kreise rank
    before Gemeinden."""
    hits = index.search("Peine")
    assert [h.path for h in hits[:2]] == ["/id/kreis/03157", "/id/gemeinde/03157006"]
    assert [h.match for h in hits[:2]] == ["exact", "exact"]


def test_regions_before_gemeinden_for_equal_matches(index):
    hits = index.search("hamburg")
    assert hits[0].path == "/id/region/hamburg"
    exact = [h.kind for h in hits if h.match == "exact"]
    assert exact.index("region") < exact.index("land") < exact.index("gemeinde")


def test_exact_before_prefix_before_word_before_substring(index):
    hits = index.search("schweig", limit=100)
    order = [search.MATCHES.index(h.match) for h in hits]
    assert order == sorted(order)
    assert {"prefix", "substring"} <= {h.match for h in hits}
    assert "/id/region/hbgw" in [h.path for h in hits if h.match == "substring"]
    ranks = [(search.MATCHES.index(h.match), search.KIND_RANK[h.kind]) for h in hits]
    assert ranks == sorted(ranks)


def test_eszett_and_ss(index):
    assert "/id/gemeinde/07138071" in paths(index, "Strassenhaus")  # Straßenhaus
    assert "/id/gemeinde/07138071" in paths(index, "straßenhaus")
    assert "/id/organisation/regionalverband-grossraum-braunschweig" in paths(
        index, "Grossraum Braunschweig")


def test_prefix_for_autocomplete(index):
    hits = index.search("Wolfsb", limit=5)
    assert hits[0].path == "/id/kreis/03103" and hits[0].match == "prefix"


def test_official_codes(index):
    assert paths(index, "03358")[0] == "/id/kreis/03358"
    assert paths(index, "03358021")[0] == "/id/gemeinde/03358021"


def test_type_filter_and_limit(index):
    hits = index.search("goettingen", limit=3, kind="gemeinde")
    assert hits and all(h.kind == "gemeinde" for h in hits) and len(hits) <= 3
    assert search.resolve_kind("regbez") == "regierungsbezirk"
    assert search.resolve_kind("verband") == "gemeindeverband"


@pytest.mark.parametrize("query", ["", "   ", "!!!", "<>"])
def test_nothing_to_search(index, query):
    assert index.search(query) == []


def test_script_tags_are_just_text(index):
    for hit in index.search("<script>alert(1)</script>"):
        assert "<script>" not in hit.label


def test_every_labelled_gemeinde_is_indexed(release, select, base):
    [row] = select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { ?g a mg:Municipality ; rdfs:label ?l }")
    db = sqlite3.connect(release.path / search.INDEX_FILENAME)
    [(indexed,)] = db.execute("SELECT COUNT(*) FROM entity WHERE kind = 'gemeinde' AND iri IN "
                              "(SELECT iri FROM entity)").fetchall()
    db.close()
    assert int(row["n"]) <= indexed  # Gemeinden and unincorporated areas share id/gemeinde/


def test_memberships_and_graphs_have_pages_but_are_not_searched(index, base):
    pages = index.pages()
    assert base + "id/kreis/03358" in pages
    assert any(p.startswith(base + "id/membership/") for p in pages)
    assert any(p.startswith(base + "graph/") for p in pages)
    assert all("#" not in p for p in pages)
    assert not any(h.kind == "membership" for h in index.search("member", limit=100))


SHORT_QUERIES = ["p", "P", "pe", "ha", "ü", "ue", "ß", "x", "0", "03", "h", "mü", "z", "ik"]


@pytest.mark.parametrize("query", SHORT_QUERIES)
def test_short_queries_from_the_precomputed_hits_equal_the_scan(index, query):
    """One- and two-character queries are answered from the table written at build time;
    the answer is the scan's, hit for hit, at every limit."""
    from metrograph.search import MAX_LIMIT, forms

    keys = sorted(forms(query))
    assert index._short_hits
    for limit in (1, 7, 20, MAX_LIMIT):
        fast = index.search(query, limit=limit)
        slow = index._scan_search(keys, limit, None)
        assert [(h.iri, h.match) for h in fast] == [(h.iri, h.match) for h in slow]
    assert index.search(query, limit=MAX_LIMIT) or query in {"x", "ß"}
