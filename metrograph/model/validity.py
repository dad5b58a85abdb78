"""Days and intervals given at any precision (``2019``, ``2019-07``, ``2019-07-01``): the one
rule for whether an interval covers a day, and the one reading of a day a user gives.

An interval's ends are compared at the precision they are given in: a start of ``2019`` covers
every day from 2019-01-01, an end of ``2020-06`` every day to 2020-06-30; an open end is open.
(:mod:`metrograph.model.memberships` builds the standing of a membership on a day on it, and
says the same in SPARQL.)
"""

from __future__ import annotations

import datetime as dt
import re

from metrograph.errors import BadRequest

__all__ = ["covers", "parse_day"]

_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_day(text: str | None, what: str = "date") -> str | None:
    """A day as YYYY-MM-DD (validated) or None when empty; BadRequest saying what to send."""
    text = (text or "").strip()
    if not text:
        return None
    if not _DAY.match(text):
        raise BadRequest(f"{what} must be a day as YYYY-MM-DD, got {text[:40]!r}")
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{what} is not a real day: {text[:40]!r}") from None
    return text


def covers(start: str | None, end: str | None, day: str) -> bool:
    """Whether the interval from ``start`` to ``end`` (either open when None) covers ``day``
    (YYYY-MM-DD), each end compared at its own precision."""
    return not ((start and start > day[: len(start)]) or (end and day[: len(end)] > end))
