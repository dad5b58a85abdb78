"""German collation (DIN 5007-1), number and date formats in the page language, each written once
(metrograph/i18n/collation.py, metrograph/i18n/formatting.py)."""

from __future__ import annotations

import re

from metrograph.i18n.collation import sort_key


def test_umlauts_sort_as_their_base_letters():
    names = ["Hodenhagen", "Häuslingen", "Hamburg", "Ölsburg", "Oldenburg", "Straße", "Strand",
             "Zeven", "ahlden"]
    assert sorted(names, key=sort_key) == ["ahlden", "Hamburg", "Häuslingen", "Hodenhagen",
                                           "Oldenburg", "Ölsburg", "Strand", "Straße", "Zeven"]


def test_the_heidekreis_page_lists_its_gemeinden_in_german_order(client):
    html = client.get("/id/kreis/03358", headers={"Accept": "text/html"}).get_data(as_text=True)
    shown = [name for name in re.findall(r">([^<>]+)</a>", html)
             if name in {"Häuslingen", "Hodenhagen", "Hademstorf"}]
    assert shown and shown == sorted(shown, key=sort_key), shown
    assert shown.index("Häuslingen") < shown.index("Hodenhagen")


def test_numbers_in_the_page_language():
    from metrograph.i18n.formatting import format_number

    assert format_number("1881.46", "de") == "1.881,46"
    assert format_number("1881.46", "en") == "1,881.46"
    assert format_number("5541432", "de") == "5.541.432"
    assert format_number(3161361, "en") == "3,161,361"
    assert format_number("-12.5", "de") == "-12,5"
    assert format_number("1e3", "de") == "1e3" and format_number("n/a", "en") == "n/a"


def test_figures_and_file_sizes_follow_the_page_language(client):
    de = client.get("/id/kreis/03358", headers={"Accept": "text/html"}).get_data(as_text=True)
    en = client.get("/id/kreis/03358?lang=en", headers={"Accept": "text/html"}).get_data(
        as_text=True)
    assert "= 1.881,46" in de and "= 1881.46" not in de
    assert "= 1,881.46" in en
    dumps = client.get("/dumps/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert re.search(r"[0-9]{1,3}(\.[0-9]{3})+ B<", dumps)


def test_dates_at_their_precision_in_the_page_language():
    from metrograph.i18n.formatting import format_date

    assert format_date("2019-07-01", "de") == "1. Juli 2019"
    assert format_date("2019-07-01", "en") == "1 July 2019"
    assert format_date("2010-03", "de") == "März 2010" and format_date("2010", "en") == "2010"
    assert format_date("around 2010", "de") == "around 2010"


def test_membership_periods_are_shown_as_dates_of_the_page_language(client):
    html = client.get("/id/kreis/03358?date=2020-01-01", headers={"Accept": "text/html"})
    text = html.get_data(as_text=True)
    assert "1. Januar 2020" in text  # the as-of note
    assert not re.search(r"<td>[0-9]{4}-[0-9]{2}-[0-9]{2}</td>", text)


def test_confidence_is_shown_in_the_page_language(client):
    de = client.get("/id/region/hamburg", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert re.search(r"<td>(hoch|mittel|gering)</td>", de)
    assert not re.search(r"<td>(high|medium|low)</td>", de)


def test_the_query_page_states_its_limits_in_the_page_language(client):
    de = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    en = client.get("/sparql?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "100.000 Zeilen" in de and "100,000 rows" in en
