"""RFC 9110 content negotiation, including the cases other servers get wrong."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrograph.sparql import negotiate
from metrograph.sparql.negotiate import choose, parse_accept

RESULTS = [
    "application/sparql-results+json",
    "application/json",
    "application/sparql-results+xml",
    "application/xml",
    "text/xml",
    "text/csv",
    "text/tab-separated-values",
    "text/html",
]
GRAPHS = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
          "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7")


@pytest.mark.parametrize("header", [None, "", "   ", ",,,"])
def test_missing_or_empty_accept_gets_the_server_default(header):
    assert choose(header, RESULTS) == RESULTS[0]


def test_exact_type_wins():
    assert choose("text/csv", RESULTS) == "text/csv"


def test_q_zero_excludes_even_when_a_wildcard_allows():
    # a server that ignores q=0 answers JSON here
    header = "application/sparql-results+json;q=0, application/json;q=0, */*"
    assert choose(header, RESULTS) == "application/sparql-results+xml"


def test_q_zero_on_everything_offered_is_not_acceptable():
    assert choose("text/csv;q=0", ["text/csv"]) is None


def test_more_specific_range_overrides_a_wildcard_in_both_directions():
    assert choose("text/*;q=0.1, text/csv;q=0.9, */*;q=0.5", RESULTS) == "text/csv"
    # text/* says 0.1 for TSV, more specific than */*=0.5; CSV gets its own 0.9
    assert choose("text/*;q=0.1, */*;q=0.5", ["text/tab-separated-values", "text/turtle"]) \
        == "text/tab-separated-values"
    assert choose("text/*;q=0.1, */*;q=0.5", ["text/csv", "application/json"]) \
        == "application/json"


def test_list_of_types_with_equal_quality_uses_server_order_not_header_order():
    assert choose("text/csv, application/sparql-results+json", RESULTS) \
        == "application/sparql-results+json"
    assert choose("application/ld+json, text/turtle", GRAPHS) == "text/turtle"


def test_jsonld_with_higher_quality_beats_turtle_whatever_the_order():
    assert choose("text/turtle;q=0.5, application/ld+json", GRAPHS) == "application/ld+json"
    assert choose("application/ld+json;q=1.0, text/turtle;q=0.9", GRAPHS) \
        == "application/ld+json"


def test_jsonld_profile_parameter_still_matches():
    assert choose('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"',
                  GRAPHS) == "application/ld+json"


@pytest.mark.parametrize("header", [FIREFOX, CHROME])
def test_browsers_get_html_not_xml(header):
    assert choose(header, RESULTS) == "text/html"
    assert choose(header, [*GRAPHS, "text/html"]) == "text/html"


def test_browser_without_html_offer_gets_xml_by_its_q_values():
    assert choose(FIREFOX, RESULTS[:-1]) == "application/xml"


def test_unsatisfiable_accept_returns_none():
    assert choose("image/png", RESULTS) is None
    assert choose("text/turtle", RESULTS) is None


def test_case_insensitive_types_and_spaces():
    assert choose("  TEXT/CSV ; Q=0.8 ", RESULTS) == "text/csv"


def test_malformed_members_are_ignored():
    ranges = parse_accept("text/csv;q=abc, nonsense, */json, application/json;q=2, text/tsv")
    assert [(r.type, r.subtype) for r in ranges] == [("text", "tsv")]
    assert choose("nonsense", RESULTS) == RESULTS[0]  # nothing parsable: as if absent


def test_accept_extension_after_q_is_not_a_parameter():
    (media_range,) = parse_accept("text/csv;q=0.5;level=1")
    assert media_range.q == 0.5
    assert media_range.params == ()


def test_format_parameter_short_name_or_media_type():
    names = {"json": "application/sparql-results+json", "csv": "text/csv"}
    assert negotiate.by_parameter("csv", names, RESULTS) == "text/csv"
    assert negotiate.by_parameter("CSV ", names, RESULTS) == "text/csv"
    assert negotiate.by_parameter("text/csv", names, RESULTS) == "text/csv"
    assert negotiate.by_parameter("ttl", names, RESULTS) is None


_types = st.sampled_from(RESULTS + GRAPHS + ["image/png", "text/*", "*/*", "application/*"])
_q = st.sampled_from(["", ";q=0", ";q=0.3", ";q=0.5", ";q=1", ";q=0.999"])


@given(st.lists(st.tuples(_types, _q), max_size=8))
def test_the_choice_is_always_offered_and_never_excluded(members):
    header = ", ".join(t + q for t, q in members)
    chosen = choose(header, RESULTS)
    if chosen is None:
        assert members  # an empty header always yields the default
        return
    assert chosen in RESULTS
    ranges = parse_accept(header)
    if ranges:
        best = negotiate.quality(ranges, chosen)
        assert best > 0
        assert all(negotiate.quality(ranges, other) <= best for other in RESULTS)
