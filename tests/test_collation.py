"""German collation (DIN 5007-1) for every list people read, written once (collation.py)."""

from __future__ import annotations

import re

from metrograph.collation import sort_key


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
