"""Turns data/ into quads: Turtle files as they are, tables through their registered converters
(:mod:`.converters`; the converter modules are imported here, which registers them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from metrograph.build import (
    curated_tables,
    reference_history,
    reference_imeg,
    reference_tables,
    reference_web_sources,
)
from metrograph.build.converters import CONVERTERS, RDF_TYPE
from metrograph.build.inputs import Table
from metrograph.build.statistics import cube, raumtypen, rules
from metrograph.errors import DataError

__all__ = ["RDF_TYPE", "table_quads", "turtle_quads"]
#: the modules whose converters are registered (imported for that)
CONVERTER_MODULES = (curated_tables, reference_tables, reference_web_sources, reference_imeg,
                     reference_history, cube, raumtypen, rules)


def table_quads(table: Table, base: str) -> Iterator[ox.Quad]:
    try:
        convert = CONVERTERS[table.name]
    except KeyError:
        raise DataError(
            f"{table.path}: no converter for table {table.name!r} "
            f"(known: {', '.join(sorted(CONVERTERS))})"
        ) from None
    yield from convert(table, base)


def turtle_quads(path: Path, graph: ox.NamedNode, base: str) -> list[ox.Quad]:
    try:
        with path.open("rb") as handle:
            return [
                ox.Quad(t.subject, t.predicate, t.object, graph)
                for t in ox.parse(handle, format=ox.RdfFormat.TURTLE, base_iri=base)
            ]
    except SyntaxError as exc:
        raise DataError(f"{path}: Turtle syntax error: {exc}") from exc
