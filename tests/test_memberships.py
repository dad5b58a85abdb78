"""The one membership model: claims, statements and their standing on a day (the rule in
metrograph/model/memberships.py), and its SPARQL form giving the same answer on the real build."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from metrograph.model import memberships as mb
from metrograph.model.memberships import Claim, Statement, claim_standing, standing_in, statements
from metrograph.model.validity import covers

NOW = "2026-12-03"


def test_a_dated_claim_is_valid_inside_its_interval_at_the_precision_given():
    assert claim_standing("2014", "2020", False, [None], "2020-12-31", NOW) == "valid"
    assert claim_standing("2014", "2020", False, [None], "2021-01-01", NOW) == "outside"
    assert claim_standing("2019-07", None, False, [], "2019-07-01", NOW) == "valid"
    assert claim_standing(None, "2019-06-30", False, [], "2019-07-01", NOW) == "outside"


def test_an_undated_claim_is_never_silently_valid():
    # a source dated 2019-04-04 attests it from that day on; before, the sources say nothing
    assert claim_standing(None, None, False, ["2019-04-04"], "2019-04-04", NOW) == "attested"
    assert claim_standing(None, None, False, ["2019-04-04"], "2019-04-03", NOW) == "undated"
    assert claim_standing(None, None, False, ["2019"], "2019-01-01", NOW) == "attested"
    # an undated source (a page describing the present) attests today, not the past
    assert claim_standing(None, None, False, [None], NOW, NOW) == "attested"
    assert claim_standing(None, None, False, [None], "2020-01-01", NOW) == "undated"
    assert claim_standing(None, None, False, [None], None, NOW) == "attested"  # no day: today
    assert claim_standing(None, None, True, [None], NOW, NOW) == "exit"
    assert claim_standing(None, None, True, [None], "2020-01-01", NOW) == "undated"


def test_a_statement_stands_as_the_best_of_its_claims():
    dated = Claim("m1", "o", "x", "r", "2014", "2020", sources=(("s1", None),))
    listed = Claim("m2", "o", "x", "r", sources=(("s2", "2019-04-04"),))
    exit_ = Claim("m3", "o", "x", "r", exit_reported=True, sources=(("s3", "2022"),))
    (statement,) = statements([exit_, listed, dated])
    assert [c.iri for c in statement.claims] == ["m1", "m2", "m3"]
    assert statement.standing("2010-01-01", NOW) == "undated"
    assert statement.standing("2019-05-01", NOW) == "valid"
    assert statement.standing("2021-06-01", NOW) == "attested"
    assert statement.standing("2022-01-01", NOW) == "exit"
    assert [s for _, s in statement.segments(NOW)] == ["undated", "valid", "attested", "exit"]


CLAIMS = st.builds(
    Claim, st.sampled_from(["m1", "m2", "m3"]), st.just("o"), st.just("x"), st.just("r"),
    st.sampled_from([None, "2014", "2019-07", "2019-07-15", "2026-12"]),
    st.sampled_from([None, "2019", "2020-02", "2020-02-29", "2027"]), st.booleans(),
    st.lists(st.tuples(st.sampled_from(["s1", "s2"]),
                       st.sampled_from([None, "2018", "2019-04", "2019-04-04", "2027-01-01"])),
             max_size=2).map(lambda xs: tuple(sorted(set(xs), key=mb.source_order))))
DAYS = st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.lists(CLAIMS, min_size=1, max_size=3), DAYS)
def test_the_segments_agree_with_the_rule_on_every_day(claims, day):
    statement = Statement("o", "x", "r", claims)
    assert standing_in(statement.segments(NOW), day) == statement.standing(day, NOW)


SPARQL_STANDINGS = """
SELECT ?m ?organisation ?member ?role ?start ?end ?exit ?source ?sourceDate ?standing WHERE {
""" + mb.CLAIM_PATTERN + "\n" + mb.STANDING_BIND + "\n}"


def test_the_sparql_rule_gives_the_python_rules_answer_on_every_claim_of_the_build(select):
    """The catalogue's queries and the views' queries use the SPARQL form; the pages use the
    Python form. On every claim of the real build and on days around every date it holds,
    both say the same."""
    rows = select("SELECT ?m ?organisation ?member ?role ?start ?end ?exit ?source ?sourceDate "
                  "WHERE {\n" + mb.CLAIM_PATTERN + "\n}")
    assert len({r["m"] for r in rows}) > 300
    days = {"2000-01-01", "2010-01-01", "2019-04-03", "2019-04-04", "2020-01-01", NOW,
            "2030-01-01"}
    for r in rows:
        for value in (r.get("start"), r.get("end"), r.get("sourceDate")):
            if value:
                days.add((value + "-01-01")[:10] if len(value) == 4 else (value + "-01")[:10])
    checked = 0
    for day in sorted(days):
        answers = select(SPARQL_STANDINGS.replace("?d", f'"{day}"').replace(
            "?today", f'"{NOW}"'))
        for r in answers:
            expected = claim_standing(r.get("start"), r.get("end"), r["exit"] in {"true", "1"},
                                      [r.get("sourceDate")], day, NOW)
            assert r["standing"] == expected, (day, r)
            checked += 1
    assert checked > 1000


def test_covers_is_the_one_interval_rule():
    assert covers("2019", None, "2019-01-01") and not covers("2019", None, "2018-12-31")
    assert covers(None, "2020-06", "2020-06-30") and not covers(None, "2020-06", "2020-07-01")
