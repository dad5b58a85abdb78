"""Minimal /sparql (GET query=, POST form): SELECT/ASK as SPARQL JSON, graphs as N-Triples."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request

from metrograph.errors import BadRequest

bp = Blueprint("sparql", __name__)


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    query = request.values.get("query")
    if not query:
        raise BadRequest("missing 'query' parameter")
    result = current_app.extensions["metrograph"].engine.run(query)
    if isinstance(result, ox.QueryTriples):
        body = result.serialize(format=ox.RdfFormat.N_TRIPLES)
        return Response(body, mimetype="application/n-triples")
    body = result.serialize(format=ox.QueryResultsFormat.JSON)
    return Response(body, mimetype="application/sparql-results+json")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
