"""Converters for the curated tables in data/tables/ (bulk reference tables live elsewhere).

``memberships.csv`` — one membership claim per line::

    organization,member,role,start,end,source,note,evidence
    network:ikm,region:ruhr,role:member,,,ikm-fruehjahrstagung-2019,,Metropole Ruhr

becomes an ``org:Membership`` in the source's graph, with ``org:memberDuring`` when a start or
end is given. The same membership stated by two sources is two claims, one per source graph.
``evidence`` holds the phrases of the source page that state the claim (see
:mod:`metrograph.build.evidence`), separated by `` | ``; where a phrase alone is not unique on
the page, the words around it pick the place: ``der [[Metropolregion Hamburg]] und`` is the
phrase "Metropolregion Hamburg" with prefix "der " and suffix " und".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyoxigraph as ox

from metrograph.build.converters import RDF_TYPE, TIME, Context, converter, date_literal, instant_quads
from metrograph.build.inputs import Table

ORG = "http://www.w3.org/ns/org#"
DCT = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
MEMBERSHIP_COLUMNS = ("organization", "member", "role", "start", "end", "source", "note",
                      "evidence")
OA = "http://www.w3.org/ns/oa#"
REIFIES = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#reifies")
_MARKED = re.compile(r"^(.*?)\[\[(.+?)\]\](.*)$", re.DOTALL)


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
        claim = [
            ox.Quad(node, RDF_TYPE, ox.NamedNode(ORG + "Membership"), graph),
            ox.Quad(node, ox.NamedNode(ORG + "organization"), ctx.iri(row["organization"]), graph),
            ox.Quad(node, ox.NamedNode(ORG + "member"), ctx.iri(row["member"]), graph),
            ox.Quad(node, ox.NamedNode(ORG + "role"), ctx.iri(row["role"]), graph),
        ]
        if row["note"]:
            claim.append(ox.Quad(node, ox.NamedNode(RDFS + "comment"),
                                 ox.Literal(row["note"], language="de"), graph))
        claim += interval_quads(node, row["start"], row["end"], ctx, graph)
        yield from claim
        yield from evidence_quads(claim, row.get("evidence", ""), ctx)


def evidence_quads(claim: list[ox.Quad], cell: str, ctx: Context) -> Iterator[ox.Quad]:
    """Each phrase of an ``evidence`` cell as an annotation on every quad of the claim (the
    form a Turtle file's ``{| oa:exact … |}`` takes; the build checks and converts them)."""
    for phrase in (p.strip() for p in cell.split(" | ")):
        if not phrase:
            continue
        marked = _MARKED.match(phrase)
        prefix, exact, suffix = marked.groups() if marked else ("", phrase, "")
        if "[[" in exact or "]]" in exact or "[[" in suffix:
            raise ctx.fail(f"evidence {phrase!r}: mark one phrase as 'before [[phrase]] after'")
        for quad in claim:
            reifier = ox.BlankNode()
            yield ox.Quad(reifier, REIFIES, ox.Triple(quad.subject, quad.predicate, quad.object),
                          quad.graph_name)
            yield ox.Quad(reifier, ox.NamedNode(OA + "exact"), ox.Literal(exact), quad.graph_name)
            for part, value in (("prefix", prefix), ("suffix", suffix)):
                if value:
                    yield ox.Quad(reifier, ox.NamedNode(OA + part), ox.Literal(value),
                                  quad.graph_name)


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
