"""Start a real server (gunicorn via ``metrograph.serving``) on a free 127.0.0.1 port.

Shared by the tests that talk to the server over TCP. ``start_server`` returns the base URL and
a function that stops the server; ``chromium`` launches the Debian Chromium headless for the
browser tests (never a browser downloaded by playwright).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(var_dir: Path, settings: dict[str, Any], probe: str = "/sparql?query=ASK%7B%7D",
                 timeout: float = 120) -> tuple[str, Callable[[], None]]:
    """Serve the release in ``var_dir``; wait until ``probe`` answers 200."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.update({f"METROGRAPH_{k.upper()}": str(v) for k, v in {
        **settings, "var_dir": var_dir, "host": "127.0.0.1", "port": port}.items()})
    log_path = Path(var_dir) / f"server-{port}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from metrograph import config, serving; "
         "sys.argv = ['metrograph-serve']; sys.exit(serving.run(config.load()))"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + probe, timeout=30) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log.close()
            process.kill()
            raise RuntimeError("server did not start:\n" + log_path.read_text())
        time.sleep(0.2)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()

    return url, stop
