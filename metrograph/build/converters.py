"""What table converters are made of: the registry, the context a row is read in, dates.

A table converter takes the rows of one CSV table and yields quads; register one with
``@converter("tables/path/without/.csv")`` (:mod:`.curated_tables`, :mod:`.reference_tables`).
Cells name entities by CURIE (``kreis:03358``, ``region:hbgw``) using the prefixes of
:mod:`metrograph.model.namespaces`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from metrograph.build.inputs import Table
from metrograph.errors import DataError
from metrograph.model import namespaces as ns

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@dataclass(frozen=True)
class Context:
    base: str
    table: Table | None = None
    line: int = 0

    def where(self) -> str:
        return f"{self.table.path}:{self.line}" if self.table else "data"

    def fail(self, message: str) -> DataError:
        return DataError(f"{self.where()}: {message}")

    def iri(self, curie: str) -> ox.NamedNode:
        """Resolve ``prefix:local`` (own or standard prefix) or an absolute http(s) IRI."""
        curie = curie.strip()
        if curie.startswith(("http://", "https://")):
            return ox.NamedNode(curie)
        prefix, sep, local = curie.partition(":")
        if not sep or not local:
            raise self.fail(f"{curie!r} is not a CURIE like 'kreis:03358'")
        if prefix in ns.OWN_PREFIXES:
            return ox.NamedNode(self.base + ns.OWN_PREFIXES[prefix] + local)
        if prefix in ns.STANDARD_PREFIXES:
            return ox.NamedNode(ns.STANDARD_PREFIXES[prefix] + local)
        raise self.fail(f"unknown prefix {prefix!r} in {curie!r}")

    def graph(self, source_id: str) -> ox.NamedNode:
        return ox.NamedNode(str(ns.graph_iri(self.base, source_id)))

    def source(self, source_id: str) -> ox.NamedNode:
        return ox.NamedNode(str(ns.source_iri(self.base, source_id)))


_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")


def date_literal(value: str, ctx: Context) -> ox.Literal:
    """``2019`` → xsd:gYear, ``2019-04`` → xsd:gYearMonth, ``2019-04-04`` → xsd:date."""
    if not _DATE.match(value):
        raise ctx.fail(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]
    if kind != "gYear":
        month = int(value[5:7])
        if not 1 <= month <= 12 or (kind == "date" and not 1 <= int(value[8:10]) <= 31):
            raise ctx.fail(f"{value!r} is not a valid date")
    return ox.Literal(value, datatype=ox.NamedNode(XSD + kind))


TIME = "http://www.w3.org/2006/time#"
_TIME_PROP = {"gYear": "inXSDgYear", "gYearMonth": "inXSDgYearMonth", "date": "inXSDDate"}


def instant_quads(node: ox.NamedNode, date: ox.Literal, graph: ox.NamedNode) -> list[ox.Quad]:
    prop = _TIME_PROP[date.datatype.value.removeprefix(XSD)]
    return [
        ox.Quad(node, RDF_TYPE, ox.NamedNode(TIME + "Instant"), graph),
        ox.Quad(node, ox.NamedNode(TIME + prop), date, graph),
    ]


Converter = Callable[[Table, str], Iterator[ox.Quad]]
CONVERTERS: dict[str, Converter] = {}


def converter(name: str) -> Callable[[Converter], Converter]:
    def register(func: Converter) -> Converter:
        CONVERTERS[name] = func
        return func
    return register
