"""The label search index, over the real build: folding, ranking, filters, the page list."""

from __future__ import annotations

import sqlite3

import pytest

from metrograph.store import label_search


@pytest.fixture(scope="module")
def index(release):
    idx = label_search.SearchIndex(release.path / label_search.INDEX_FILENAME)
    yield idx
    idx.close()


def paths(index, query, **kw):
    return [hit.path for hit in index.search(query, **kw)]


def test_fold_is_case_umlaut_and_eszett_insensitive():
    assert label_search.fold("Göttingen") == label_search.fold("GOETTINGEN") == "goettingen"
    assert label_search.fold("Göttingen", expand_umlauts=False) == "gottingen"
    assert label_search.fold("Straße") == label_search.fold("STRASSE") == "strasse"
    assert label_search.fold("Burg-St. Michaelisdonn") == "burg st michaelisdonn"
    assert label_search.fold("<script>") == "script"


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
    order = [label_search.MATCHES.index(h.match) for h in hits]
    assert order == sorted(order)
    assert {"prefix", "substring"} <= {h.match for h in hits}
    assert "/id/region/hbgw" in [h.path for h in hits if h.match == "substring"]
    ranks = [(label_search.MATCHES.index(h.match), label_search.KIND_RANK[h.kind]) for h in hits]
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
    assert label_search.resolve_kind("regbez") == "regierungsbezirk"
    assert label_search.resolve_kind("verband") == "gemeindeverband"


@pytest.mark.parametrize("query", ["", "   ", "!!!", "<>"])
def test_nothing_to_search(index, query):
    assert index.search(query) == []


def test_script_tags_are_just_text(index):
    for hit in index.search("<script>alert(1)</script>"):
        assert "<script>" not in hit.label


def test_every_labelled_gemeinde_is_indexed(release, select, base):
    [row] = select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { ?g a mg:Municipality ; rdfs:label ?l }")
    db = sqlite3.connect(release.path / label_search.INDEX_FILENAME)
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


EQUIVALENCE_QUERIES = ["p", "P", "pe", "ha", "ü", "ue", "ß", "x", "0", "03", "h", "mü", "z",
                       "ik", "s", "st", "sta", "stadt", "bad", "urg", "burg", "schweig", "ber",
                       "goettingen", "Göttingen", "peine", "hamburg", "03358", "metropol",
                       "landkreis ha", "an der", "nord", "kreis"]
EQUIVALENCE_KINDS = [None, "kreis", "gemeinde", "region", "land", "ontology", "source", "nosuch"]


@pytest.fixture(scope="module")
def heavy_index(release, tmp_path_factory):
    """The release's index written with a tiny heavy-prefix threshold, so that most short
    keys are answered from precomputed hits (as on a graph 100× ours)."""
    from metrograph.build import search_index
    from metrograph.release import folders

    lines = (release.path / folders.DUMP_FILENAME).read_bytes().split(b"\n")[:release.meta["quads"]]
    path = tmp_path_factory.mktemp("search") / label_search.INDEX_FILENAME
    search_index.build_index(lines, release.meta["base_iri"], path, release.id, heavy_rows=5)
    idx = label_search.SearchIndex(path)
    yield idx
    idx.close()


@pytest.mark.parametrize("which", ["index", "heavy_index"])
@pytest.mark.parametrize("query", EQUIVALENCE_QUERIES)
def test_planned_search_equals_the_full_scan(request, which, query):
    """The planned search (precomputed hits of heavy prefixes, bounded term scans, substring
    matches read in id order until enough) answers what ranking every match gives, hit for
    hit and matched label for matched label, at every limit and kind filter."""
    idx = request.getfixturevalue(which)
    assert idx.planned
    keys = sorted(label_search.forms(query))
    for kind in EQUIVALENCE_KINDS:
        for limit in (1, 7, 20, label_search.MAX_LIMIT):
            planned = [(h.iri, h.match, h.matched_label)
                       for h in idx.search(query, limit=limit, kind=kind)]
            scanned = [(h.iri, h.match, h.matched_label)
                       for h in idx._scan_search(keys, limit, kind)]
            assert planned == scanned, (kind, limit)


def _vm_steps(idx, run) -> int:
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    idx._db.set_progress_handler(count, 100)
    try:
        run()
    finally:
        idx._db.set_progress_handler(None, 100)
    return steps


@pytest.mark.parametrize("query", ["s", "st", "sta", "stadt", "kreis"])
def test_heavy_prefixes_are_not_scanned(heavy_index, query):
    """A key matching many terms reads its precomputed hits: a small fraction of the work
    of ranking every match (counted in SQLite VM instructions, not timed)."""
    db = heavy_index._db
    assert db.execute("SELECT 1 FROM top_hit WHERE prefix = ? AND kind = ''",
                      (label_search.fold(query),)).fetchone()
    keys = sorted(label_search.forms(query))
    planned = _vm_steps(heavy_index, lambda: heavy_index.search(query, limit=20))
    scanned = _vm_steps(heavy_index, lambda: heavy_index._scan_search(keys, 20, None))
    assert planned * 10 < scanned, (planned, scanned)


def test_substring_matches_stop_after_the_limit(index):
    """Substring matches are read in ranking order and the read stops at the limit."""
    few = _vm_steps(index, lambda: index.search("urg", limit=1))
    many = _vm_steps(index, lambda: index.search("urg", limit=label_search.MAX_LIMIT))
    assert len(index.search("urg", limit=label_search.MAX_LIMIT)) == label_search.MAX_LIMIT
    assert few * 5 < many, (few, many)


def test_an_index_of_the_older_layout_is_still_answered(index, tmp_path):
    """Releases built before the planned layout keep working (by the full scan): their
    substring table names the label in a column, and their info has no layout."""
    import shutil

    old = tmp_path / label_search.INDEX_FILENAME
    shutil.copy(index.path, old)
    db = sqlite3.connect(old)
    db.executescript("""
        CREATE VIRTUAL TABLE old_substring USING fts5(key, label UNINDEXED, tokenize='trigram');
        INSERT INTO old_substring (key, label) SELECT key, rowid >> 1 FROM substring;
        DROP TABLE substring; ALTER TABLE old_substring RENAME TO substring;
        DELETE FROM info WHERE name = 'layout';""")
    db.commit()
    db.close()
    legacy = label_search.SearchIndex(old)
    try:
        assert not legacy.planned
        for query in ("goettingen", "schweig", "p"):
            assert ([(h.iri, h.match) for h in legacy.search(query, limit=50)]
                    == [(h.iri, h.match) for h in index.search(query, limit=50)])
    finally:
        legacy.close()


@pytest.mark.parametrize("query", ["0000", "00000", "0000000", "hausenhausen"])
def test_keys_repeating_a_trigram_read_a_bounded_number_of_candidates(index, query):
    """FTS5 reads every posting of a phrase that repeats a trigram; such keys are looked up by
    a prefix and checked, reading at most SUBSTRING_CANDIDATES rows: the hits are the full
    ranking's first ones (all of them while the bound is not reached)."""
    keys = sorted(label_search.forms(query))
    full = [(h.iri, h.match) for h in index._scan_search(keys, label_search.MAX_LIMIT, None)]
    assert [(h.iri, h.match) for h in index.search(query, limit=label_search.MAX_LIMIT)] == full
    capped = label_search.SearchIndex(index.path)
    capped.SUBSTRING_CANDIDATES = 3
    try:
        got = [(h.iri, h.match) for h in capped.search(query, limit=label_search.MAX_LIMIT)]
    finally:
        capped.close()
    assert got == full[:len(got)]
    if query == "0000":
        assert "substring" in {m for _, m in full} and len(got) < len(full)


def test_odd_labels_are_indexed_alike_on_both_paths(tmp_path):
    """A NUL inside a label (SQLite's length() stops there) and a literal where a class is
    expected neither break the index nor make the two search paths disagree."""
    from metrograph.build import search_index

    base = "https://example.org/mg/"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    graph = f"<{base}graph/g>"
    lines = [f'<{base}id/kreis/a> {label} "Ab\\u0000cdefgh" {graph} .',
             f'<{base}id/kreis/b> {label} "Abcd" {graph} .',
             f'<{base}id/kreis/c> {label} "Abcdefg" {graph} .',
             f'<{base}ontology#X> <http://www.w3.org/2000/01/rdf-schema#subClassOf> "foo" {graph} .']
    path = tmp_path / label_search.INDEX_FILENAME
    search_index.build_index([line.encode() for line in lines], base, path, heavy_rows=1)
    odd = label_search.SearchIndex(path)
    try:
        for limit in (1, 2, 3):
            assert ([h.iri for h in odd.search("ab", limit=limit)]
                    == [h.iri for h in odd._scan_search(["ab"], limit, None)])
        assert odd.search("abcdefgh")[0].label == "Abcdefgh"
    finally:
        odd.close()
    assert [p.name for p in tmp_path.iterdir()] == [label_search.INDEX_FILENAME]
