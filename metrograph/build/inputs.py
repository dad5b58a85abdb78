"""Reads the project's inputs: ontology/, data/, shapes/ and queries/ (the only reader of them).

data/ layout:
    catalog.ttl                 the dataset and every source document  -> graph <base>graph/catalog
    vocabulary.ttl              roles, themes and other controlled terms -> graph <base>graph/vocabulary
    statements/<source>.ttl     what one source document says            -> graph <base>graph/<source>
    tables/<name>.csv           bulk facts, one row each; a 'source' column picks the graph
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from metrograph.errors import DataError
from metrograph.model.memberships import FRAGMENTS


@dataclass(frozen=True)
class TurtleFile:
    graph: str  # local graph name under <base>graph/
    path: Path


@dataclass(frozen=True)
class Table:
    name: str  # path under data/tables without .csv, e.g. "memberships"
    path: Path

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, row) pairs; every value stripped, empty cells are ''."""
        with self.path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None:
                raise DataError(f"{self.path}: empty table (no header row)")
            for row in reader:
                if None in row:
                    raise DataError(f"{self.path}:{reader.line_num}: more cells than columns")
                yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}


@dataclass(frozen=True)
class QueryParameter:
    """``#+ parameter: ?name TYPE DEFAULT — help``; TYPE is IRI or an xsd datatype CURIE."""

    name: str
    type: str
    default: str | None
    help: str


_PARAMETER = re.compile(r"^\?(\w+)\s+(\S+)\s+(\S+)\s*(?:—|--)?\s*(.*)$")


def parse_parameter(spec: str, where: Path) -> QueryParameter:
    match = _PARAMETER.match(spec.strip())
    if not match:
        raise DataError(f"{where}: bad parameter line {spec!r}; expected '?name TYPE DEFAULT — help'")
    name, kind, default, help_text = match.groups()
    return QueryParameter(name, kind, None if default == "(none)" else default, help_text)


@dataclass(frozen=True)
class QueryFile:
    name: str
    path: Path
    text: str
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.meta.get("title", self.name)

    @property
    def description(self) -> str:
        """The English description (``#+ description:``)."""
        return self.meta.get("description", "")

    def description_in(self, lang: str) -> tuple[str, str]:
        """The description in ``lang`` and the language it is in: ``#+ description-de:`` on
        German pages, the English one otherwise (and where no German one is given)."""
        if lang == "de" and self.meta.get("description-de"):
            return self.meta["description-de"], "de"
        return self.description, "en"

    @property
    def parameters(self) -> list[QueryParameter]:
        lines = self.meta.get("parameter", "")
        return [parse_parameter(line, self.path) for line in lines.splitlines() if line.strip()]


def ontology_files(project_dir: Path) -> list[Path]:
    return sorted((Path(project_dir) / "ontology").glob("*.ttl"))


def turtle_files(project_dir: Path) -> list[TurtleFile]:
    data = Path(project_dir) / "data"
    files = [TurtleFile(p.stem, p) for p in sorted(data.glob("*.ttl"))]
    files += [TurtleFile(p.stem, p) for p in sorted((data / "statements").glob("*.ttl"))]
    names = [f.graph for f in files]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise DataError(f"two data files would fill the same graph: {sorted(duplicates)}")
    return files


def tables(project_dir: Path) -> list[Table]:
    root = Path(project_dir) / "data" / "tables"
    return [
        Table(p.relative_to(root).with_suffix("").as_posix(), p)
        for p in sorted(root.rglob("*.csv"))
    ]


def shape_files(project_dir: Path) -> list[Path]:
    return sorted((Path(project_dir) / "shapes").glob("*.ttl"))


_FRONT = re.compile(r"^#\+\s*([A-Za-z_][\w-]*)\s*:\s*(.*)$")


_INCLUDE = re.compile(r"^([ \t]*)#include[ \t]+([a-z-]+)[ \t]*$", re.MULTILINE)


def with_fragments(text: str, where: str = "query") -> str:
    """The query with each ``#include <name>`` line replaced by the shared fragment of that
    name (:data:`metrograph.model.memberships.FRAGMENTS`), indented as the line was."""

    def include(match: re.Match[str]) -> str:
        indent, name = match.groups()
        if name not in FRAGMENTS:
            raise DataError(f"{where}: no fragment {name!r} to include "
                            f"(known: {', '.join(sorted(FRAGMENTS))})")
        return "\n".join(indent + line for line in FRAGMENTS[name].splitlines())

    return _INCLUDE.sub(include, text)


def read_query(path: Path) -> QueryFile:
    """A query file: leading ``#+ key: value`` lines are its front matter; ``#include`` lines
    take the shared fragments (:func:`with_fragments`)."""
    text = with_fragments(path.read_text(encoding="utf-8"), str(path))
    meta: dict[str, str] = {}
    for line in text.splitlines():
        match = _FRONT.match(line)
        if match:
            key, value = match.groups()
            meta[key] = (meta[key] + "\n" + value) if key in meta else value
        elif line.strip() and not line.startswith("#"):
            break
    return QueryFile(path.stem, path, text, meta)


def read_queries(project_dir: Path) -> list[QueryFile]:
    return [read_query(p) for p in sorted((Path(project_dir) / "queries").glob("*.rq"))]
