"""One module holds every word the pages show (metrograph/i18n/text.py), in both languages."""

from __future__ import annotations

import ast
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
