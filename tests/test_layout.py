"""The package is laid out by layer, and its modules import each other without cycles.

Every import counts, also those inside functions: a cycle through an in-function import is
still a cycle (it only moves the failure to run time). The layers and what each may use are
listed in docs/architecture.md; this test holds the code to that table.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "metrograph"

#: layer → the layers it may import (besides itself and the shared top-level modules)
ALLOWED = {
    "model": set(),
    "i18n": set(),
    "release": {"model"},
    "sparql": {"model", "release"},
    "store": {"model", "i18n", "release", "sparql"},
    "build": {"model", "i18n", "release", "sparql", "store"},
    "pages": {"model", "i18n", "release", "sparql", "store"},
    "web": {"model", "i18n", "release", "sparql", "store", "build", "pages"},
}
#: top-level modules every layer may use (settings, errors)
SHARED = {"metrograph.config", "metrograph.errors"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def _executed(tree: ast.AST) -> list[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:`` (imports for annotations only)."""
    nodes: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        nodes.append(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and ast.unparse(child.test).endswith("TYPE_CHECKING"):
                stack.extend(child.orelse)
            else:
                stack.append(child)
    return nodes


def imports_of(name: str) -> set[str]:
    """The metrograph modules ``name`` imports anywhere in its text (at run time)."""
    found: set[str] = set()
    for node in _executed(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in MODULES
                       else node.module for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in MODULES and t != name)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def layer_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in ALLOWED) else None


def test_no_import_cycles_not_even_through_imports_inside_functions():
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = "open"
        path.append(name)
        for target in sorted(GRAPH[name]):
            if state.get(target) == "open":
                cycle = [*path[path.index(target):], target]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[name] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)


def test_each_layer_imports_only_the_layers_below_it():
    wrong = []
    for name, targets in sorted(GRAPH.items()):
        layer = layer_of(name)
        if layer is None:
            continue  # cli, serving, the package itself: the entry points may use anything
        for target in sorted(targets):
            other = layer_of(target)
            if other is None and target not in SHARED and target != "metrograph":
                wrong.append(f"{name} imports the entry-point module {target}")
            elif other not in (None, layer) and other not in ALLOWED[layer]:
                wrong.append(f"{name} ({layer}) imports {target} ({other})")
    assert not wrong, "\n".join(wrong)


def test_only_the_web_layer_imports_flask():
    users = {name for name, path in MODULES.items()
             if any(isinstance(n, ast.Import | ast.ImportFrom)
                    and any((getattr(n, "module", None) or a.name).split(".")[0] == "flask"
                            for a in n.names)
                    for n in ast.walk(ast.parse(path.read_text())))}
    assert users and all(layer_of(name) == "web" for name in users), sorted(users)
