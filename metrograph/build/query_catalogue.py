"""The query catalogue: documented queries from queries/ and their typed parameters.

Parameter values are bound as RDF terms through pyoxigraph substitutions, never pasted into
the query text; a bad value is a DataError (a 400 for the web layer) naming what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

from metrograph.build.converters import Context
from metrograph.build.inputs import QueryFile, QueryParameter
from metrograph.errors import DataError
from metrograph.model import namespaces as ns

XSD = "http://www.w3.org/2001/XMLSchema#"
_LEXICAL = {
    "date": re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
    "gYear": re.compile(r"^[0-9]{4}$"),
    "integer": re.compile(r"^[+-]?[0-9]{1,18}$"),
    "string": re.compile(r"^.{0,500}$", re.DOTALL),
}


def term(parameter: QueryParameter, value: str, base: str) -> ox.NamedNode | ox.Literal:
    """Turn one user-supplied value into the RDF term the parameter's type asks for."""
    value = value.strip()
    if parameter.type == "IRI":
        if value.startswith(("http://", "https://")) or ":" in value:
            try:
                return Context(base).iri(value)
            except ValueError:  # pyoxigraph refused the IRI
                raise DataError(f"parameter ?{parameter.name}: {value[:80]!r} is not a valid IRI "
                                "(no spaces, quotes or brackets; percent-encode them)") from None
            except DataError as exc:  # an unknown prefix: say which parameter it was
                reason = str(exc).removeprefix("data: ")
                raise DataError(f"parameter ?{parameter.name}: {reason}") from None
        raise DataError(f"parameter ?{parameter.name} needs an IRI or a CURIE like 'kreis:03358'")
    datatype = parameter.type.removeprefix("xsd:")
    pattern = _LEXICAL.get(datatype)
    if pattern is None:
        raise DataError(f"parameter ?{parameter.name} has unsupported type {parameter.type!r}")
    if not pattern.match(value):
        raise DataError(f"parameter ?{parameter.name} must be an xsd:{datatype}, got {value!r}")
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def bindings(query: QueryFile, values: Mapping[str, str], base: str) -> dict[ox.Variable, ox.Term]:
    """Substitutions for ``query``: given values, else each parameter's default."""
    known = {p.name: p for p in query.parameters}
    unknown = set(values) - set(known)
    if unknown:
        raise DataError(f"{query.name} has no parameter(s) {sorted(unknown)}; known: {sorted(known)}")
    result: dict[ox.Variable, ox.Term] = {}
    for name, parameter in known.items():
        raw = values.get(name) or parameter.default
        if raw:
            result[ox.Variable(name)] = term(parameter, raw, base)
    return result


def run(store: ox.Store, query: QueryFile, base: str,
        values: Mapping[str, str] | None = None) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Evaluate a catalogue query with its parameters bound."""
    substitutions = bindings(query, values or {}, base)
    return store.query(ns.sparql_prologue(base) + query.text, substitutions=substitutions or None)
