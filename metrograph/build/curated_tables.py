"""Converters for the curated tables in data/tables/ (bulk reference tables live elsewhere).

``memberships.csv`` — one membership claim per line::

    organization,member,role,start,end,source,note
    network:ikm,region:ruhr,role:member,,,ikm-fruehjahrstagung-2019,

becomes an ``org:Membership`` in the source's graph, with ``org:memberDuring`` when a start or
end is given. The same membership stated by two sources is two claims, one per source graph.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from metrograph.build.converters import RDF_TYPE, TIME, Context, converter, date_literal, instant_quads
from metrograph.build.inputs import Table

ORG = "http://www.w3.org/ns/org#"
DCT = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
MEMBERSHIP_COLUMNS = ("organization", "member", "role", "start", "end", "source", "note")


def slug_of(curie: str) -> str:
    """``region:hbgw`` → ``region-hbgw`` (for minting readable membership IRIs)."""
    return curie.replace(":", "-")


@converter("memberships")
def memberships(table: Table, base: str) -> Iterator[ox.Quad]:
    seen: dict[str, int] = {}
    for line, row in table.rows():
        ctx = Context(base, table, line)
        missing = [c for c in ("organization", "member", "role", "source") if not row.get(c)]
        if missing:
            raise ctx.fail(f"missing value(s) for {', '.join(missing)}")
        unknown = set(row) - set(MEMBERSHIP_COLUMNS)
        if unknown:
            raise ctx.fail(f"unknown column(s) {sorted(unknown)}; expected {MEMBERSHIP_COLUMNS}")
        role_local = row["role"].partition(":")[2]
        local = ".".join(
            [slug_of(row["organization"]), slug_of(row["member"])]
            + ([role_local] if role_local != "member" else [])
            + [row["source"]]
        )
        if local in seen:
            raise ctx.fail(f"same claim as line {seen[local]} (organization, member, role, source)")
        seen[local] = line
        node = ctx.iri("membership:" + local)
        graph = ctx.graph(row["source"])
        yield ox.Quad(node, RDF_TYPE, ox.NamedNode(ORG + "Membership"), graph)
        yield ox.Quad(node, ox.NamedNode(ORG + "organization"), ctx.iri(row["organization"]), graph)
        yield ox.Quad(node, ox.NamedNode(ORG + "member"), ctx.iri(row["member"]), graph)
        yield ox.Quad(node, ox.NamedNode(ORG + "role"), ctx.iri(row["role"]), graph)
        if row["note"]:
            yield ox.Quad(node, ox.NamedNode(RDFS + "comment"), ox.Literal(row["note"], language="de"),
                          graph)
        yield from interval_quads(node, row["start"], row["end"], ctx, graph)


def interval_quads(node: ox.NamedNode, start: str, end: str, ctx: Context,
                   graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """``org:memberDuring`` with OWL-Time instants, minted as ``<node>#during`` etc."""
    if not start and not end:
        return
    interval = ox.NamedNode(node.value + "#during")
    yield ox.Quad(node, ox.NamedNode(ORG + "memberDuring"), interval, graph)
    yield ox.Quad(interval, RDF_TYPE, ox.NamedNode(TIME + "Interval"), graph)
    for value, prop, suffix in ((start, "hasBeginning", "#start"), (end, "hasEnd", "#end")):
        if value:
            instant = ox.NamedNode(node.value + suffix)
            yield ox.Quad(interval, ox.NamedNode(TIME + prop), instant, graph)
            yield from instant_quads(instant, date_literal(value, ctx), graph)
