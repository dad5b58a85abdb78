"""The README and docs/ stay true: the two commands, CI's command, settings, CLI commands,
the README's length and every link between the pages."""

from __future__ import annotations

import re
from pathlib import Path

from metrograph import cli, config

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
OPERATIONS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


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
    assert config.markdown_table() in OPERATIONS


def test_every_cli_command_is_documented() -> None:
    subcommands = cli.parser()._subparsers._group_actions[0].choices
    for name in subcommands:
        assert f"| `{name}" in OPERATIONS, f"CLI command {name!r} missing from docs/operations.md"


def test_readme_is_short() -> None:
    assert len(README.splitlines()) <= 250


def _anchors(text: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens."""
    return {re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
            for line in text.splitlines() if line.startswith("#")}


def test_every_link_between_the_pages_resolves() -> None:
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # another site
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            assert linked.exists(), f"{page.name}: {target}"
            if anchor:
                assert anchor in _anchors(linked.read_text(encoding="utf-8")), \
                    f"{page.name}: {target}"


def test_readme_links_every_docs_page() -> None:
    for page in PAGES[1:]:
        assert f"(docs/{page.name})" in README, page.name
