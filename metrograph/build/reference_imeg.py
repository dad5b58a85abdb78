"""The members of the IMeG (``imeg-members``) as claims of the networks compilation.

A member that is an administrative unit of its own (a Land, a Kreis, a Regierungsbezirk) is that
unit; the regional associations are organisations of their own. Each claim cites the pages that
list it (``network-sources``, see :mod:`.reference_web_sources`) and says whether the member was
among the founders (``mg:foundingMember``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from metrograph.build.converters import converter
from metrograph.build.inputs import Table
from metrograph.build.reference_tables import DCT, XSD, Terms, _membership, _note, _rows

__all__ = ["imeg_members"]

BOOLEAN = ox.NamedNode(XSD + "boolean")


@converter("reference/imeg-members")
def imeg_members(table: Table, base: str) -> Iterator[ox.Quad]:
    source = "networks-compilation"
    t = Terms(table, base, source)
    for row in _rows(table):
        member = t.iri(row["member"])
        if row["member"].startswith("organisation:"):
            yield t.typed(member, row["class"])
            yield t.label(member, row["name"])
        node, quads = _membership(t, "network:imeg", row["member"], "role:member", source)
        yield from quads
        yield t.q(node, t.m("foundingMember"),
                  ox.Literal("true" if row["founding"] == "yes" else "false", datatype=BOOLEAN))
        for page in row["sources"].split():
            yield t.q(node, DCT + "source", t.iri("source:" + page))
        yield from _note(t, node, row["note"])
