"""A catalogue question's answer as CSV, described by CSVW metadata (W3C "Metadata Vocabulary
for Tabular Data"): ``/api/questions/<name>.csv`` and ``/api/questions/<name>.csv-metadata.json``.

The CSV has one column per result variable, the value as its lexical form (IRIs in full, empty
where unbound). The metadata names each column with its heading in German and English and its
datatype (``anyURI``, the XSD type of the values, or ``string``), the licence and the credit
lines of the dataset; the CSV links to it (``Link: <…>; rel="describedby"``), as CSVW asks.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, request

from metrograph.i18n.text import ANSWER_COLUMNS
from metrograph.model.labels import DCT, XSD
from metrograph.web import views

bp = Blueprint("question_downloads", __name__)

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def _answer(name: str) -> tuple[Any, list[str], list[dict[str, Any]]]:
    query, _bound, run = views.question_answer(name)
    names, rows = run()
    return query, names, rows


def _datatype(cells: list[dict[str, Any]]) -> str:
    if cells and all(c["type"] == "uri" for c in cells):
        return "anyURI"
    kinds = {c.get("datatype", "") for c in cells}
    if len(kinds) == 1 and next(iter(kinds)).startswith(XSD):
        return next(iter(kinds)).removeprefix(XSD)
    return "string"


@bp.route("/api/questions/<name>.csv", methods=["GET", "HEAD"])
def question_csv(name: str) -> Response:
    _query, names, rows = _answer(name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([row[n]["value"] if n in row else "" for n in names])
    metadata = f"{name}.csv-metadata.json"
    if request.query_string:
        metadata += "?" + request.query_string.decode("ascii", "replace")
    return Response(out.getvalue(), content_type="text/csv; charset=utf-8; header=present",
                    headers={"Link": f'<{metadata}>; rel="describedby"; '
                                     'type="application/csvm+json"'})


@bp.route("/api/questions/<name>.csv-metadata.json", methods=["GET", "HEAD"])
def question_metadata(name: str) -> Response:
    query, names, rows = _answer(name)
    csv_url = f"{name}.csv" + ("?" + request.query_string.decode("ascii", "replace")
                               if request.query_string else "")
    columns = []
    for column in names:
        de, en = ANSWER_COLUMNS.get(column, (column, column))
        columns.append({"name": column, "titles": {"de": de, "en": en},
                        "datatype": _datatype([r[column] for r in rows if column in r]),
                        "null": ""})
    body = {"@context": CSVW_CONTEXT, "url": csv_url,
            "dc:title": query.title, "dc:description": query.description,
            "dc:license": {"@id": LICENCE}, "dc:rights": _rights(),
            "tableSchema": {"columns": columns}}
    return Response(json.dumps(body, ensure_ascii=False, indent=1),
                    content_type="application/csvm+json; charset=utf-8")


def _rights() -> list[dict[str, str]]:
    """The dataset's credit lines (``dct:rights``), each with its language."""
    from metrograph.web.resources import resources  # (the app's store, opened per process)

    dataset = ox.NamedNode(views._base() + "dataset")
    found = {(q.object.language or "und", q.object.value)
             for q in resources().store.quads_for_pattern(dataset, ox.NamedNode(DCT + "rights"), None)
             if isinstance(q.object, ox.Literal)}
    return [{"@value": value, "@language": lang} for lang, value in sorted(found)]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
