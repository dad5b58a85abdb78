"""The planner's views: map, membership explorer, timeline and question catalogue.

Pages are small HTML shells (their state lives in the URL query string) whose ES modules in
static/views/ fetch the JSON endpoints below. Every query runs through the engine (time limit,
caps, cache); user values are bound as typed terms. Per-release data is computed at first use
and kept per process. Bad parameters are 400 with a message.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, render_template, request

from metrograph.build import inputs, query_catalogue
from metrograph.errors import BadRequest, DataError, NotFound
from metrograph.i18n.collation import sort_key
from metrograph.i18n.text import VIEWS as TEXT
from metrograph.model.memberships import MEMBER_STANDINGS
from metrograph.model.namespaces import prefixes
from metrograph.model.validity import parse_day
from metrograph.pages.planner import explorer, kreis_map, questions
from metrograph.pages.planner import rows as planner_rows
from metrograph.pages.planner.view_spec import PlannerView, planner_views
from metrograph.sparql.engine import cache_key_digest
from metrograph.web.http import conditional
from metrograph.web.state import per_release

bp = Blueprint("views", __name__, template_folder="../templates")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}$")
MAX_QUESTION_ROWS = 5000



# --- per-process, per-release state ------------------------------------------------------------

def _state() -> Any:
    return current_app.extensions["metrograph"]


_cached = per_release


def _run(query: str, substitutions: dict[str, Any] | None = None) -> planner_rows.Rows:
    result = _state().engine.execute(query, results_format="json", substitutions=substitutions)
    return json.loads(result.body)["results"]["bindings"]


def _base() -> str:
    return _state().settings["base_iri"]


def _map() -> dict[str, Any]:
    return _cached("map", lambda: kreis_map.map_data(_run, _base()))


def _graph() -> dict[str, Any]:
    return _cached("graph", lambda: explorer.graph_data(_run, _base()))


def _queries() -> dict[str, inputs.QueryFile]:
    root = Path(_state().settings["project_dir"])
    return _cached("queries", lambda: {q.name: q for q in inputs.read_queries(root)})


def _choices(kind: str) -> list[dict[str, str]]:
    def make() -> list[dict[str, str]]:
        rows = _run(questions.CHOICE_QUERIES[kind])
        return [{"id": planner_rows.value(r, "id") or "", "curie": curie(planner_rows.value(r, "id") or ""),
                 "label": planner_rows.value(r, "label") or ""} for r in rows]
    return _cached("choices:" + kind, make)


def curie(iri: str) -> str:
    best = ""
    for prefix, namespace in prefixes(_base()).items():
        if iri.startswith(namespace) and len(namespace) > len(best.partition("|")[2]):
            rest = iri[len(namespace):]
            if _SLUG.match(rest):
                best = prefix + ":" + rest + "|" + namespace
    return best.partition("|")[0] or iri


# --- parameters ---------------------------------------------------------------------------------

def _one(name: str) -> str | None:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise BadRequest(f"give {name} at most once")
    return values[0].strip() if values and values[0].strip() else None


def entity_iri(text: str | None, folder: str | None = None) -> str | None:
    """A user's reference to one of our entities: full IRI, CURIE (kreis:03358) or, with
    ``folder``, a bare slug (hamburg → <base>id/region/hamburg)."""
    if not text:
        return None
    base = _base()
    if text.startswith(base):
        iri = text
    elif folder and _SLUG.match(text):
        iri = f"{base}id/{folder}/{text}"
    elif re.match(r"^[a-z][a-z0-9]*:[A-Za-z0-9_.-]+$", text):
        prefix, _, local = text.partition(":")
        namespace = prefixes(base).get(prefix)
        if namespace is None:
            raise BadRequest(f"unknown prefix {prefix!r} in {text[:60]!r}")
        iri = namespace + local
    else:
        raise BadRequest(f"{text[:60]!r} is not an IRI of this dataset, a CURIE like "
                         "'network:ikm' or a short name")
    if any(c in iri for c in "<>\"{}|\\^` \n\t") or len(iri) > 500:
        raise BadRequest("the IRI holds characters an IRI cannot hold")
    return iri


def _language() -> str:
    from metrograph.web.resources import page_language

    return page_language()


def _layout(lang: str) -> dict[str, Any]:
    from metrograph.web.resources import page_layout

    layout = page_layout(lang)
    # what the views' scripts read (static/views/common.js: config()); the member standings
    # come from the one membership model
    view_config = {"text": TEXT[lang], "lang": lang, "base": layout["base_iri"],
                   "memberStandings": sorted(MEMBER_STANDINGS)}
    return {**layout, "vt": TEXT[lang], "view_config": view_config}


def _etag(*parts: Any) -> str:
    return cache_key_digest(_state().release.id, "views", request.path,
                            sorted(request.args.items(multi=True)), *parts)


def _json(make: Callable[[], Any]) -> Response:
    def build() -> Response:
        body = json.dumps(make(), ensure_ascii=False, separators=(",", ":"))
        return Response(body, content_type="application/json; charset=utf-8")
    return conditional(_etag(), build, vary=())


def _page(template: str, **context: Any) -> Response:
    lang = _language()

    def build() -> Response:
        return Response(render_template(template, **_layout(lang), **context),
                        content_type="text/html; charset=utf-8")
    vary = [] if "lang" in request.args else ["Accept-Language"]
    return conditional(_etag(lang), build, vary=vary)


# --- the map ------------------------------------------------------------------------------------

def _map_filters() -> tuple[str | None, str | None, str | None]:
    day = parse_day(_one("date"))
    region = entity_iri(_one("region"), "region")
    network = entity_iri(_one("network"), "network")
    full = _map()
    if region and region not in {r["id"] for r in full["regions"]}:
        raise BadRequest("region is not a metropolitan region of this dataset")
    if network and network not in {n["id"] for n in full["networks"]}:
        raise BadRequest("network is not a cooperation network of this dataset")
    return day, region, network


@bp.route("/map", methods=["GET", "HEAD"])
def map_page() -> Response:
    _map_filters()  # 400 for a bad link rather than a page that cannot restore it
    full = _map()
    return _page("map.html", regions=full["regions"], networks=full["networks"])


@bp.route("/api/map.geojson", methods=["GET", "HEAD"])
def map_geojson() -> Response:
    day, region, network = _map_filters()
    response = _json(lambda: kreis_map.filter_map(_map(), day, region, network)
                     if (day or region or network) else _map())
    response.headers["Content-Type"] = "application/geo+json; charset=utf-8"
    return response


# --- the explorer -------------------------------------------------------------------------------

def _graph_view() -> dict[str, Any]:
    focus = entity_iri(_one("focus"))
    depth = explorer.clamp_depth(_one("depth"))
    day = parse_day(_one("date"))
    return explorer.neighbourhood(_graph(), focus, depth, day)


@bp.route("/explore", methods=["GET", "HEAD"])
def explore_page() -> Response:
    _graph_view()
    return _page("explore.html")


@bp.route("/api/graph.json", methods=["GET", "HEAD"])
def graph_json() -> Response:
    view = _graph_view()
    return _json(lambda: view)


@bp.route("/api/graph.csv", methods=["GET", "HEAD"])
def graph_csv() -> Response:
    view = _graph_view()

    def build() -> Response:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(explorer.graph_csv_rows(view))
        response = Response(out.getvalue(), content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = 'attachment; filename="memberships.csv"'
        return response
    return conditional(_etag("csv"), build, vary=())


@bp.route("/api/nodes.json", methods=["GET", "HEAD"])
def nodes_json() -> Response:
    return _json(lambda: sorted(_graph()["nodes"].values(), key=lambda n: sort_key(n["label"])))


# --- views declared in pages/planner (the timeline, and any new one) ---------------------------

class _Context:
    """What a declared view may use (:class:`metrograph.pages.planner.view_spec.ViewContext`)."""

    @property
    def base(self) -> str:
        return _base()

    run = staticmethod(_run)
    cached = staticmethod(_cached)

    @staticmethod
    def entity_iri(text: str | None, folder: str | None = None) -> str | None:
        return entity_iri(text, folder)

    @staticmethod
    def curie(iri: str) -> str:
        return curie(iri)


def _declared(view: PlannerView) -> tuple[Callable[[], Response], Callable[[], Response]]:
    def parameters() -> dict[str, str | None]:
        return view.parameters(_Context(), _one)

    def page() -> Response:
        values = parameters()  # 400 for a bad link rather than a page that cannot restore it
        fields = [{"name": f.name, "kind": f.kind, "label": f.label,
                   "value": (curie(values[f.name] or "") if f.kind == "select"
                             else values[f.name]) or "",
                   "choices": f.choices(_Context()) if f.choices else []} for f in view.fields]
        query = {k: v for k, v in request.args.items() if k != "lang"}
        return _page("planner_view.html", view=view, fields=fields,
                     data_url=f"/api/{view.name}.json"
                     + ("?" + urlencode(query) if query else ""))

    def data_json() -> Response:
        values = parameters()
        return _json(lambda: view.data(_Context(), values))
    return page, data_json


def _mount_declared_views(app: Flask) -> None:
    for name, view in planner_views().items():
        page, data_json = _declared(view)
        app.add_url_rule(f"/{name}", f"views.{name}_page", page, methods=["GET", "HEAD"])
        app.add_url_rule(f"/api/{name}.json", f"views.{name}_json", data_json,
                         methods=["GET", "HEAD"])


# --- the question catalogue ---------------------------------------------------------------------

def _question(name: str) -> inputs.QueryFile:
    found = _queries().get(name)
    if found is None:
        raise NotFound(f"there is no question {name!r}")
    return found


def _form(query: inputs.QueryFile) -> list[dict[str, Any]]:
    fields = []
    for p in query.parameters:
        given = request.args.get(p.name, "").strip()
        field = {"name": p.name, "type": p.type, "default": p.default or "", "help": p.help,
                 "value": given or p.default or "", "choices": None}
        if p.type == "IRI":
            kind = questions.choice_kind(p.name, p.help)
            if kind:
                field["choices"] = _choices(kind)
                chosen = entity_iri(field["value"]) if field["value"] else None
                field["value"] = curie(chosen) if chosen else ""
        fields.append(field)
    return fields


def _question_values(query: inputs.QueryFile) -> dict[str, str]:
    types = {p.name: p.type for p in query.parameters}
    known = set(types)
    values = {}
    for key in request.args:
        if key in {"lang", "view"}:
            continue
        if key not in known:
            raise BadRequest(f"{query.name} has no parameter {key!r}; it has: "
                             + (", ".join(sorted(known)) or "none"))
        value = _one(key)
        if value and types[key] == "xsd:date":
            parse_day(value, f"parameter ?{key}")  # a real day, not just its shape
        if value:
            values[key] = value
    return values


@bp.route("/questions", methods=["GET", "HEAD"])
def questions_page() -> Response:
    items = []
    for query in _queries().values():
        de, en = questions.split_title(query.title)
        description, description_lang = query.description_in(_language())
        items.append({"name": query.name, "de": de, "en": en, "description": description,
                      "description_lang": description_lang,
                      "parameters": [p.name for p in query.parameters]})
    return _page("questions.html", items=items)


@bp.route("/questions/<name>", methods=["GET", "HEAD"])
def question_page(name: str) -> Response:
    query = _question(name)
    _question_values(query)
    de, en = questions.split_title(query.title)
    return _page("question.html", query=query, title_de=de, title_en=en, fields=_form(query),
                 editor_url="/sparql?" + urlencode({"query": query.text}))


def question_answer(name: str) -> tuple[inputs.QueryFile, dict[Any, Any], Callable[[], Any]]:
    """The question, its parameters bound from the request (400 when they do not fit), and a
    function running it: the SPARQL JSON result's variables and rows."""
    query = _question(name)
    values = _question_values(query)
    try:
        bound = query_catalogue.bindings(query, values, _base())
    except DataError as exc:
        raise BadRequest(str(exc)) from None

    def run() -> tuple[list[str], planner_rows.Rows]:
        result = json.loads(_state().engine.execute(
            query.text, results_format="json",
            substitutions={k.value: v for k, v in bound.items()}).body)
        return result["head"]["vars"], result["results"]["bindings"]
    return query, bound, run


@bp.route("/api/questions/<name>.json", methods=["GET", "HEAD"])
def question_json(name: str) -> Response:
    query, bound, run = question_answer(name)

    def make() -> dict[str, Any]:
        names, rows = run()
        truncated = len(rows) > MAX_QUESTION_ROWS
        rows = rows[:MAX_QUESTION_ROWS]
        lang = "en" if request.args.get("lang") == "en" else "de"
        return {"name": query.name, "title": query.title,
                "columns": questions.describe_columns(names, rows, _base()),
                **questions.answer_text(names, rows, lang),
                "rows": rows, "truncated": truncated, "labels": _labels(rows, lang),
                "parameters": {k.value: v.value for k, v in bound.items()}}
    return _json(make)


def _labels(rows: planner_rows.Rows, lang: str) -> dict[str, str]:
    """Labels in ``lang`` of this dataset's IRIs in the rows, also those in lists of IRIs."""
    from metrograph.web.resources import resources

    res = resources()
    base = _base()
    labels = {}
    for row in rows:
        for cell in row.values():
            iris = [cell["value"]] if cell["type"] == "uri" else questions.iri_list(cell) or []
            for iri in iris:
                if iri.startswith(base) and iri not in labels:
                    labels[iri] = res.label(iri, lang)
    return labels


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    _mount_declared_views(app)
