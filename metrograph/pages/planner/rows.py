"""Data behind the planner's views: what the view modules share.

One module a view, none with Flask, in :mod:`metrograph.pages.planner`: ``kreis_map`` (the map),
``explorer`` (the membership explorer), ``timeline`` and ``questions`` (the question catalogue).
Every function there takes ``run(query, substitutions=None)``, which evaluates a SELECT through
the query engine (time limit, caps, cache) and returns the SPARQL JSON bindings. Values from
users are bound as typed terms (pyoxigraph substitutions), never written into query text. The
web layer (:mod:`metrograph.web.views`) caches the per-release results per process. """

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from metrograph.model.memberships import Claim, Statement, source_order

Key = TypeVar("Key", bound=Hashable)

Rows = list[dict[str, dict[str, str]]]
Runner = Callable[..., Rows]


def value(row: dict[str, dict[str, str]], name: str) -> str | None:
    cell = row.get(name)
    return cell["value"] if cell else None


def claim_of(iri: str, organisation: str, member: str, role: str,
             rows: Iterable[dict[str, dict[str, str]]]) -> Claim:
    """A membership claim from the rows of :data:`~metrograph.model.memberships.CLAIM_PATTERN`
    that share its ``?m`` (one per source)."""
    rows = list(rows)
    first = rows[0] if rows else {}
    return Claim(iri, organisation, member, role, value(first, "start"), value(first, "end"),
                 value(first, "exit") in {"true", "1"},  # Virtuoso answers booleans as 1/0
                 tuple(sorted({(value(r, "source") or "", value(r, "sourceDate")) for r in rows},
                              key=source_order)))


def statements_by(rows: Rows, key: Callable[[dict[str, dict[str, str]]], Key],
                  parties: Callable[[Key, dict[str, dict[str, str]]], tuple[str, str, str]]
                  ) -> list[tuple[Key, Statement]]:
    """Claim rows grouped into statements, in key order: ``key`` says which statement a row
    belongs to, ``parties`` (given the key and a row of the claim) its organisation, member and
    role; each ``?m`` is one claim with the sources of all its rows."""
    grouped: dict[Key, dict[str, list[dict[str, dict[str, str]]]]] = defaultdict(
        lambda: defaultdict(list))
    for row in rows:
        grouped[key(row)][value(row, "m") or ""].append(row)
    out = []
    for k, by_claim in grouped.items():
        claims = [claim_of(m, *parties(k, claim_rows[0]), claim_rows)
                  for m, claim_rows in sorted(by_claim.items())]
        first = claims[0]
        out.append((k, Statement(first.organisation, first.member, first.role, claims)))
    return sorted(out, key=lambda pair: pair[0])
