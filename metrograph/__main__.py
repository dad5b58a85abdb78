"""Bootstrap: ``python3 -m metrograph COMMAND`` from a bare Python 3.11.

Creates ``.venv`` in the project root (once, and again whenever ``pyproject.toml`` changes),
installs the project into it, then runs ``metrograph COMMAND`` inside it. Standard library only.
``test`` runs the test suite; every other command goes to the ``metrograph`` CLI.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".metrograph-install"


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _wanted_stamp() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> Path:
    """Create or refresh the project's virtual environment; return its interpreter."""
    python = _venv_python()
    if not python.exists():
        print("metrograph: creating virtual environment in .venv", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = _wanted_stamp()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("metrograph: installing dependencies into .venv", file=sys.stderr)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-e", f"{ROOT}[test]"],
            check=True,
        )
        STAMP.write_text(wanted)
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        print("commands: test [pytest args], serve, build, validate, query, export (see docs/operations.md)")
        return 0 if argv else 2
    python = ensure_venv()
    command, rest = argv[0], argv[1:]
    if command == "test":
        cmd = [str(python), "-m", "pytest", *rest]
    else:
        cmd = [str(python), "-m", "metrograph.cli", command, *rest]
    os.chdir(ROOT)
    if os.name == "nt":  # pragma: no cover - no exec semantics there
        return subprocess.call(cmd)
    os.execv(cmd[0], cmd)
    return 0  # unreachable


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
