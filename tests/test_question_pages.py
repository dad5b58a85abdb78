"""The question catalogue's answers as the question pages show them: a heading in the page's
language for every column, words for every code, a label for every IRI of this dataset (also
inside lists of IRIs) — through the real app on the real build."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from metrograph.build import inputs
from metrograph.i18n.text import ANSWER_CODES, ANSWER_COLUMNS, answer_words

QUESTIONS = [q.name for q in inputs.read_queries(ROOT)]
CODE = re.compile(r"[a-z]+(?:-[a-z]+)*")
BASE = "https://w3id.org/metrograph/"


def test_every_code_and_heading_has_both_languages() -> None:
    for table in (ANSWER_COLUMNS, ANSWER_CODES):
        for key, (german, english) in table.items():
            assert german.strip() and english.strip(), key
    assert answer_words("de")["codes"]["attested"] == "belegt"
    assert answer_words("en")["codes"]["exit-reported"] == "exit reported"


@pytest.mark.parametrize("name", QUESTIONS)
def test_an_answer_comes_with_its_words(patient_app, name: str) -> None:
    client = patient_app.test_client()
    german = client.get(f"/api/questions/{name}.json")
    english = client.get(f"/api/questions/{name}.json?lang=en")
    assert german.status_code == 200 and english.status_code == 200, german.data[:300]
    de, en = german.get_json(), english.get_json()
    for column in de["columns"]:
        assert column["name"] in ANSWER_COLUMNS, f"{name}: no heading for ?{column['name']}"
        assert de["headings"][column["name"]] == ANSWER_COLUMNS[column["name"]][0]
        assert en["headings"][column["name"]] == ANSWER_COLUMNS[column["name"]][1]
    kinds = {c["name"]: c["kind"] for c in de["columns"]}
    for row in de["rows"]:
        for var, cell in row.items():
            if cell["type"] == "uri" and cell["value"].startswith(BASE):
                assert cell["value"] in de["labels"], (name, var, cell["value"])
            if kinds[var] == "iris":
                assert all(iri in de["labels"] for iri in cell["value"].split()
                           if iri.startswith(BASE)), (name, var)
            if cell["type"] == "literal" and "xml:lang" not in cell \
                    and CODE.fullmatch(cell["value"]):
                assert cell["value"] in de["codes"] and cell["value"] in en["codes"], \
                    f"{name}: ?{var} holds the code {cell['value']!r} without words"
