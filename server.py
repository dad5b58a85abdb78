"""WSGI entry point: ``gunicorn server:app`` serves the current release read-only."""

from metrograph.web import create_app

app = create_app()
