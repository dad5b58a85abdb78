"""Point lookups answered in the server process, without the pipe to a query process.

A query that is only ``DESCRIBE <iri>`` (:func:`metrograph.sparql.protocol.is_point_lookup`: prologue,
one IRI or prefixed name, no WHERE, no dataset) asks for one resource's outgoing triples. The
answer is bounded by the data, not by what a query can make the evaluator do, so the time limit
that needs a killable process has nothing to stop; the row and byte caps still apply. It is
evaluated here on the release's read-only store by the same code the query processes run
(:func:`metrograph.sparql.evaluation.run_job`: same serializers, prefixes, caps and, for point lookups, the
same triple order), so the bytes are those the query processes would send.

Blank nodes are the exception: their labels differ from store to store, so a description
holding one is left to the query processes too. Anything unusual (another store type, a syntax
error, a cap reached) returns ``None`` and the caller asks the engine, which answers with the
usual error.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

import pyoxigraph as ox

from metrograph.sparql import evaluation, protocol
from metrograph.sparql.engine import Engine
from metrograph.sparql.formats import FORMATS, Result

__all__ = ["describe"]


def describe(engine: Engine, store: Any, query: str,
             graph_format: str) -> Result | None:
    """The serialized answer to a point lookup, or ``None`` to leave it to ``engine``."""
    if not isinstance(store, ox.Store) or not protocol.is_point_lookup(query) \
            or len(query.encode("utf-8")) > engine.max_query_bytes:
        return None
    job = {"query": query, "base_iri": engine.settings["base_iri"], "default_graphs": None,
           "named_graphs": None, "results_format": None, "graph_format": graph_format,
           "max_rows": engine.max_rows, "max_bytes": engine.max_bytes, "substitutions": ()}
    try:
        triples = list(islice(store.query(query, prefixes=engine.prefixes,
                                          base_iri=job["base_iri"]), engine.max_rows + 1))
        if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
               for t in triples):
            return None
        reply = evaluation.run_job(_Evaluated(triples), ox, engine.prefixes, job)
    except Exception:  # syntax, caps, evaluation: the engine gives the proper error
        return None
    if reply[0] != "ok":
        return None
    _, kind, name, body = reply
    return Result(body, FORMATS[name], kind)


class _Evaluated:
    """The triples of an evaluated DESCRIBE, as the store that ``evaluation.run_job`` queries."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self.triples = triples

    def query(self, _query: str, **_kwargs: Any) -> list[ox.Triple]:
        return self.triples
