"""One module holds every word the pages show (metrograph/i18n/text.py), in both languages."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from metrograph.i18n import text

TABLES = {"PAGES": text.PAGES, "VIEWS": text.VIEWS, "QUERY_PAGE": text.QUERY_PAGE,
          "ERROR_PAGES": text.ERROR_PAGES, "PHRASES": text.PHRASES}


def shape(value: Any) -> Any:
    """The keys of nested dicts (what both languages must share), with strings as None."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [shape(v) for v in value]
    return None


@pytest.mark.parametrize("name", sorted(TABLES))
def test_both_languages_have_every_text(name):
    table = TABLES[name]
    assert set(table) == set(text.LANGUAGES)
    assert shape(table["de"]) == shape(table["en"])


@pytest.mark.parametrize("name", sorted(TABLES))
def test_the_german_and_english_texts_differ_where_words_differ(name):
    """A text copied into the other language unchanged is a mixed page waiting to happen."""
    same = []

    def walk(de: Any, en: Any, where: str) -> None:
        if isinstance(de, dict):
            for key in de:
                walk(de[key], en[key], f"{where}.{key}")
        elif isinstance(de, tuple | list):
            for i, (d, e) in enumerate(zip(de, en, strict=True)):
                walk(d, e, f"{where}[{i}]")
        elif isinstance(de, str) and de == en and len(de.split()) > 1:
            same.append(where)

    walk(TABLES[name]["de"], TABLES[name]["en"], name)
    assert not same, same


def test_no_module_outside_i18n_keeps_a_table_of_page_texts():
    package = Path(text.__file__).resolve().parents[1]
    tables = []
    for path in package.rglob("*.py"):
        if path.parent.name == "i18n":
            continue
        for statement in ast.parse(path.read_text()).body:  # module-level tables
            node = getattr(statement, "value", None)
            if isinstance(node, ast.Dict) and {"de", "en"} <= {
                    k.value for k in node.keys if isinstance(k, ast.Constant)}:
                tables.append(f"{path.relative_to(package)}:{node.lineno}")
    assert not tables, tables


DATES = ["2019-07-01", "2019-07", "2019", "2010-01-01", "1995-12-31", "2019-13", "2019-00-05",
         " 2024-04-01 ", "2019-07-01T00:00:00", "2019-07-01Z", "-0044-03-15", "n/a", "", None]
NUMBERS = ["1881.46", "5541432", "-12.5", "+7", "007", "0", "0.50", "1e3", "n/a", "123456789012345678"]


@pytest.mark.skipif(shutil.which("node") is None, reason="no node on this machine")
def test_the_views_format_dates_and_numbers_as_the_server_does(tmp_path):
    """static/views/common.js formatDate and lexicalNumber give what i18n/formatting.py gives
    for the same language, so a view never writes a date another way than a server page."""
    from metrograph.i18n.formatting import format_date, format_number

    module = tmp_path / "common.mjs"
    module.write_text((Path(text.__file__).resolve().parents[1] / "static/views/common.js")
                      .read_text())
    script = (f"import {{formatDate, lexicalNumber}} from {json.dumps(module.as_uri())};\n"
              f"const dates = {json.dumps(DATES)}, numbers = {json.dumps(NUMBERS)};\n"
              "const out = {};\n"
              "for (const lang of ['de', 'en']) out[lang] = {\n"
              "  dates: dates.map((d) => formatDate(d, lang)),\n"
              "  numbers: numbers.map((n) => lexicalNumber(n, lang))};\n"
              "console.log(JSON.stringify(out));\n")
    run = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True,
                         text=True, timeout=30, check=True)
    got = json.loads(run.stdout)
    for lang in ("de", "en"):
        assert got[lang]["dates"] == [format_date(d, lang) for d in DATES]
        assert got[lang]["numbers"] == [format_number(n, lang) for n in NUMBERS]
    assert got["de"]["dates"][:3] == ["1. Juli 2019", "Juli 2019", "2019"]
    assert got["en"]["dates"][:3] == ["1 July 2019", "July 2019", "2019"]
