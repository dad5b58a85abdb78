"""Start a real server (gunicorn via ``metrograph.serving``) on a free 127.0.0.1 port.

Shared by the tests that talk to the server over TCP. ``start_server`` returns the base URL and
a function that stops the server; ``chromium`` launches the Debian Chromium headless for the
browser tests (never a browser downloaded by playwright).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from metrograph import local_server
from metrograph.local_server import free_port as free_port

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Without the background-networking flags Chromium keeps trying hosts this machine cannot reach.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (playwright Browser) for one test module."""
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            yield browser
        finally:
            browser.close()


def start_server(var_dir: Path, settings: dict[str, Any], probe: str = "/sparql?query=ASK%7B%7D",
                 timeout: float = 120) -> tuple[str, Callable[[], None]]:
    """Serve the release in ``var_dir``; wait until ``probe`` answers 200."""
    server = local_server.start(var_dir, settings, probe=probe, timeout=timeout)
    return server.url, server.stop
