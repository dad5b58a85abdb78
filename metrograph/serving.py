"""Production serving: gunicorn with several workers, each opening the release itself."""

from __future__ import annotations

from typing import Any


def gunicorn_options(settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "bind": f"{settings['host']}:{settings['port']}",
        "workers": settings["workers"],
        "timeout": int(settings["query_timeout"]) + 30,
        "preload_app": False,  # open stores after fork
        "accesslog": "-",
    }


def run(settings: dict[str, Any]) -> int:
    from gunicorn.app.base import BaseApplication

    options = gunicorn_options(settings)

    class _App(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):  # type: ignore[no-untyped-def]
            from metrograph.web import create_app
            return create_app()

    _App().run()
    return 0
