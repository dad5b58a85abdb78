"""Flask application factory: the only package that imports Flask.

One blueprint per concern; the release and the query engine are opened once per process
(not per request) and kept on ``app.extensions['metrograph']``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from metrograph import config as config_mod
from metrograph.i18n.formatting import NUMERIC_DATATYPES, format_date, format_number
from metrograph.web import memo
from metrograph.web.state import AppState


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the WSGI app serving the current release read-only."""
    settings = config_mod.load(test_config)
    app = Flask("metrograph", template_folder="templates", static_folder="static")
    app.config["METROGRAPH"] = settings
    app.extensions["metrograph"] = AppState.open(settings)
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_date, "date")
    app.jinja_env.globals["numeric_datatypes"] = NUMERIC_DATATYPES

    from metrograph.web import (
        catalog,
        errors,
        ops,
        question_downloads,
        resources,
        security,
        sparql,
        views,
    )

    errors.init_app(app)
    security.init_app(app, float(settings["body_timeout"]))
    ops.init_app(app)
    sparql.init_app(app)
    resources.init_app(app)
    catalog.init_app(app)
    views.init_app(app)
    question_downloads.init_app(app)
    memo.install(app)  # repeated requests answered before routing (web/memo.py)
    return app
