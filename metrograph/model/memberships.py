"""Memberships: the one model every page, view and question shares.

A **claim** is one ``org:Membership`` node: an organisation, a member, a role, the sources
that state it (each with its date, when the source has one), and what the sources say about
time: an interval (``org:memberDuring``, start and end at any precision), an exit report
(``mg:membershipStatus mg:ExitReported``) or nothing. A **statement** is everything claimed
about one organisation + member + role: its claims grouped.

Standing on a day D (the rule, written once here and as SPARQL below):

* ``valid`` — the claim has an interval and D lies in it, compared at the precision given
  (``2019`` covers every day of 2019; open ends are open).
* ``outside`` — the claim has an interval and D is not in it.
* ``attested`` — the claim has no interval, and one of its sources attests it for D: the
  source is dated on or before D, or the source has no date (a web page describing the
  present, read when the project compiled it) and D is today or later.
* ``exit`` — an exit is reported, attested for D the same way.
* ``undated`` — the claim has no interval and no source attests it for D (an exit report
  included): the sources say nothing about D.

A statement stands as the best of its claims, in the order valid, exit, attested, undated,
outside (a dated claim that covers D decides; an exit report outranks an undated listing).
Every view shows **valid** and **attested** statements as memberships on D, an **exit** as an
exit, an **undated** one marked as undated with the dates of its sources, and leaves
**outside** ones out. Without a day, D is today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from metrograph.model.validity import covers

__all__ = ["CLAIMS", "CLAIM_PATTERN", "DAY_BIND", "FRAGMENTS", "MEMBER_STANDINGS", "STANDINGS",
           "STANDING_BIND", "STANDING_OF_BEST", "STANDING_RANK", "Claim", "Statement", "best_standing",
           "claim_standing", "source_order", "standing_in", "statements", "today"]

#: Standings from best to worst; a statement takes the best of its claims'.
STANDINGS = ("valid", "exit", "attested", "undated", "outside")
#: The standings shown as memberships on the day.
MEMBER_STANDINGS = frozenset({"valid", "attested"})


def today() -> str:
    return dt.date.today().isoformat()


def _attested(source_dates: Iterable[str | None], day: str, now: str) -> bool:
    for date in source_dates:
        if date is None:
            if day >= now:
                return True
        elif date <= day[:len(date)]:
            return True
    return False


def claim_standing(start: str | None, end: str | None, exit_reported: bool,
                   source_dates: Iterable[str | None], day: str | None = None,
                   now: str | None = None) -> str:
    """The standing of one claim on ``day`` (YYYY-MM-DD; today when None)."""
    now = now or today()
    day = day or now
    if start or end:
        return "valid" if covers(start, end, day) else "outside"
    if _attested(source_dates, day, now):
        return "exit" if exit_reported else "attested"
    return "undated"


def best_standing(standings: Iterable[str]) -> str:
    """The best of several standings (``outside`` for none)."""
    return min(standings, key=STANDINGS.index, default="outside")


@dataclass(frozen=True)
class Claim:
    """One membership claim (an ``org:Membership`` node) and what its sources say of time."""

    iri: str
    organisation: str
    member: str
    role: str
    start: str | None = None
    end: str | None = None
    exit_reported: bool = False
    #: (source IRI, its date or None), sorted
    sources: tuple[tuple[str, str | None], ...] = ()

    def standing(self, day: str | None = None, now: str | None = None) -> str:
        return claim_standing(self.start, self.end, self.exit_reported,
                              (date for _, date in self.sources), day, now)

    @property
    def dated(self) -> bool:
        return bool(self.start or self.end)


@dataclass
class Statement:
    """All claims about one organisation + member + role."""

    organisation: str
    member: str
    role: str
    claims: list[Claim] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.organisation, self.member, self.role

    def standing(self, day: str | None = None, now: str | None = None) -> str:
        return best_standing(claim.standing(day, now) for claim in self.claims)

    def sources(self) -> list[tuple[str, str | None]]:
        return sorted({source for claim in self.claims for source in claim.sources},
                      key=source_order)

    @property
    def exit_reported(self) -> bool:
        return any(claim.exit_reported for claim in self.claims)

    @property
    def span(self) -> tuple[str | None, str | None]:
        """The earliest start and the latest end its claims give (None where none gives one)."""
        starts = [c.start for c in self.claims if c.start]
        ends = [c.end for c in self.claims if c.end]
        return (min(starts) if starts else None), (max(ends) if ends else None)

    def segments(self, now: str | None = None) -> list[tuple[str, str]]:
        """The standing as a step function of the day: ``[(first day, standing), …]``, each
        holding until the next first day. Pages that move through time (the map's slider)
        look a day up in it instead of applying the rule themselves."""
        now = now or today()
        points = {"0001-01-01", now}
        for claim in self.claims:
            if claim.start:
                points.add(_first_day(claim.start))
            if claim.end:
                points.add(_day_after(claim.end))
            points.update(_first_day(date) for _, date in claim.sources if date)
        out: list[tuple[str, str]] = []
        for point in sorted(points):
            standing = self.standing(point, now)
            if not out or out[-1][1] != standing:
                out.append((point, standing))
        return out


def standing_in(segments: Iterable[tuple[str, str]], day: str) -> str:
    """The standing on ``day`` read off :meth:`Statement.segments`."""
    found = "outside"
    for first, standing in segments:
        if first > day:
            break
        found = standing
    return found


def _first_day(value: str) -> str:
    """The first day a date of any precision covers: ``2019`` → ``2019-01-01``."""
    return (value + "-01-01")[:10] if len(value) == 4 else (value + "-01")[:10]


def _day_after(value: str) -> str:
    """The day after the last one a date of any precision covers: ``2020`` → ``2021-01-01``."""
    if len(value) == 4:
        return f"{int(value) + 1:04d}-01-01"
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:7])
        return f"{year + month // 12:04d}-{month % 12 + 1:02d}-01"
    return (dt.date.fromisoformat(value[:10]) + dt.timedelta(days=1)).isoformat()


def source_order(source: tuple[str, str | None]) -> tuple[str, str]:
    """Sources in IRI order (an undated one before a dated one of the same IRI)."""
    return source[0], source[1] or ""


def statements(claims: Iterable[Claim]) -> list[Statement]:
    """Claims grouped into statements, in (organisation, member, role) order."""
    grouped: dict[tuple[str, str, str], Statement] = {}
    for claim in claims:
        key = (claim.organisation, claim.member, claim.role)
        grouped.setdefault(key, Statement(*key)).claims.append(claim)
    for statement in grouped.values():
        statement.claims.sort(key=lambda c: c.iri)
    return [grouped[key] for key in sorted(grouped)]


# --- the same model in SPARQL, for the query catalogue and the views' queries ------------------

#: One row per claim ?m and source: ?organisation ?member ?role, ?start ?end (lexical forms at
#: their precision), ?exit (true when an exit is reported), ?source and its ?sourceDate.
#: (``OPTIONAL``/``COALESCE`` rather than ``BIND(EXISTS …)``: Virtuoso 7.2 fails to compile the
#: latter inside a subquery.)
CLAIM_PATTERN = """\
?m a org:Membership ; org:organization ?organisation ; org:member ?member ; org:role ?role ;
   dct:source ?source .
OPTIONAL { ?source dct:issued ?sourceDate }
OPTIONAL { ?m org:memberDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYear|
                                                  time:inXSDgYearMonth) ?start }
OPTIONAL { ?m org:memberDuring/time:hasEnd/(time:inXSDDate|time:inXSDgYear|
                                            time:inXSDgYearMonth) ?end }
OPTIONAL { ?m mg:membershipStatus ?status }
BIND (COALESCE(?status = mg:ExitReported, false) AS ?exit)"""

#: :data:`CLAIM_PATTERN` as a subquery: joined with other patterns, pyoxigraph then evaluates
#: the claims first (as a plain group it may start from the other side: 159 s instead of 0.1 s
#: for the map's links).
CLAIMS = "{ SELECT * WHERE {\n" + CLAIM_PATTERN + "\n} }"

#: Binds ?today and ?d, the day a query asks about: its ?day parameter, or today without one.
DAY_BIND = """\
BIND (SUBSTR(STR(NOW()), 1, 10) AS ?today)
BIND (COALESCE(STR(?day), ?today) AS ?d)"""

#: Binds ?standing of the claim row on day ?d (a "YYYY-MM-DD" string), today being ?today.
#: (COALESCE around the lengths: Virtuoso evaluates both sides of ``||`` and refuses SUBSTR of
#: an unbound length, where SPARQL would let ``!BOUND`` decide.)
STANDING_BIND = """\
BIND (IF(BOUND(?start) || BOUND(?end),
         IF((!BOUND(?start) || STR(?start) <= SUBSTR(?d, 1, STRLEN(COALESCE(STR(?start), ""))))
            && (!BOUND(?end) || SUBSTR(?d, 1, STRLEN(COALESCE(STR(?end), ""))) <= STR(?end)),
            "valid", "outside"),
         IF(IF(BOUND(?sourceDate),
               SUBSTR(?d, 1, STRLEN(COALESCE(STR(?sourceDate), ""))) >= STR(?sourceDate),
               ?d >= ?today),
            IF(?exit, "exit", "attested"), "undated")) AS ?standing)"""

#: Binds ?rank, the place of ?standing in :data:`STANDINGS` (MIN over a statement's rows gives
#: its standing).
STANDING_RANK = """\
BIND (IF(?standing = "valid", 0, IF(?standing = "exit", 1, IF(?standing = "attested", 2,
      IF(?standing = "undated", 3, 4)))) AS ?rank)"""

#: Binds ?standing back from ?best, a statement's MIN(?rank).
STANDING_OF_BEST = """\
BIND (IF(?best = 0, "valid", IF(?best = 1, "exit", IF(?best = 2, "attested",
      IF(?best = 3, "undated", "outside")))) AS ?standing)"""

#: The fragments a catalogue query includes with a line ``#include <name>``
#: (:func:`metrograph.build.inputs.read_query` writes them in, so every query stays runnable
#: as it is shown).
FRAGMENTS = {"day-or-today": DAY_BIND, "membership-claims": CLAIMS,
             "standing-on-day": STANDING_BIND, "standing-rank": STANDING_RANK,
             "standing-of-best": STANDING_OF_BEST}
