"""The remote backend for the benchmark: a private Virtuoso loaded with ``metrograph publish``
(staged by Virtuoso's bulk loader through the instance's load directory).

The Virtuoso is the one the tests start (``tests/virtuoso.py``: Debian's virtuoso-opensource,
its own configuration, 127.0.0.1 only); the benchmark reuses it rather than keep a second copy.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from common import ROOT


def start(var_dir: Path, scale: int = 1) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """A running Virtuoso holding the current release of ``var_dir``: the instance, the
    settings that point our server at it, and what publishing cost. Its page cache grows
    with ``scale`` (the tests' ~170 MB at 1×, up to ~3.3 GB)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import virtuoso as harness

    from metrograph import config
    from metrograph.release import folders
    from metrograph.store import publish

    if not (harness.VIRTUOSO and harness.ISQL):
        raise SystemExit("--backend remote needs Debian's virtuoso-opensource "
                         "(apt-get install virtuoso-opensource)")
    buffers = min(harness.NUMBER_OF_BUFFERS * max(1, scale), 400_000)
    instance = harness.Virtuoso(query_timeout=300, max_rows=1_000_000, buffers=buffers)
    # staged by Virtuoso's bulk loader: uploading over the Graph Store Protocol took ~9 min at 10x
    settings = {**instance.remote_settings(bulk_load=True), "var_dir": str(var_dir)}
    started = time.perf_counter()
    publish.publish(config.load(settings, environ={}), folders.current_release(var_dir),
                    progress=lambda message: print(message, flush=True))
    cost = {"publish_seconds": round(time.perf_counter() - started, 1),
            "virtuoso_startup_seconds": round(instance.startup_seconds, 1),
            "virtuoso_buffers": buffers}
    return instance, settings, cost
