"""The built wheel serves every page: templates and static files (the views' scripts too) are
packaged. Built from this checkout, installed into a fresh virtual environment without its
dependencies (they come from the project's environment on PYTHONPATH; ``.pth`` files there,
such as the editable install's, are not read), then asked for each page and script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, sys
import metrograph
from metrograph.web import create_app
app = create_app({"var_dir": sys.argv[1], "project_dir": sys.argv[2], "query_workers": 1})
client = app.test_client()
paths = ["/", "/map", "/explore", "/timeline", "/questions", "/sparql", "/id/kreis/03358",
         "/static/style.css", "/static/views.css", "/sparql-assets/sparql.js"]
paths += ["/static/views/" + name for name in sys.argv[3].split(",")]
print(json.dumps({"file": metrograph.__file__,
                  "status": {p: client.get(p, headers={"Accept": "text/html"}).status_code
                             for p in paths}}))
app.extensions["metrograph"].engine.close()
"""


def test_the_wheel_serves_every_page_and_script(tmp_path, settings, release):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                    "--disable-pip-version-check", "-w", str(wheels), str(ROOT)], check=True)
    (wheel,) = wheels.glob("metrograph-*.whl")
    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                    "--quiet", "--disable-pip-version-check", str(wheel)], check=True)
    scripts = sorted(p.name for p in (ROOT / "metrograph/static/views").glob("*.js"))
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    out = subprocess.run([str(python), "-c", PROBE, settings["var_dir"], settings["project_dir"],
                          ",".join(scripts)], env=env, capture_output=True, text=True, check=True,
                         cwd=tmp_path)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["file"].startswith(str(env_dir)), report["file"]  # the wheel, not the checkout
    assert scripts and all(report["status"][f"/static/views/{name}"] == 200 for name in scripts)
    assert set(report["status"].values()) == {200}, report["status"]
