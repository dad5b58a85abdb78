"""The README stays true: the two commands, CI's command, settings and CLI commands."""

from __future__ import annotations

import re
from pathlib import Path

from metrograph import cli, config

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def first_code_block() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README, re.DOTALL)
    assert block, "README needs a ```sh block with the two set-up commands"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_starts_with_exactly_two_commands() -> None:
    assert README.index("```sh") < README.index("\n## ", README.index("## Two commands") + 1)
    assert first_code_block() == ["python3 -m metrograph serve", "python3 -m metrograph test"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "python3 -m metrograph test" in ci


def test_configuration_table_matches_the_settings_registry() -> None:
    assert config.markdown_table() in README


def test_every_cli_command_is_documented() -> None:
    subcommands = cli.parser()._subparsers._group_actions[0].choices
    for name in subcommands:
        assert f"| `{name}" in README, f"CLI command {name!r} missing from the README table"
