"""Dates of any precision (``2019``, ``2019-07``, ``2019-07-01``) and whether a period covers a day.

The entity pages' "as of" switch works on :class:`datetime.date` (:func:`parse_date`,
:func:`as_of_valid`); the planner's views compare ISO strings at the precision given
(:func:`valid_on`) and check a user's day (:func:`parse_day`, a 400 for a bad one).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from metrograph.errors import BadRequest

__all__ = ["as_of_valid", "parse_date", "parse_day", "valid_on"]

# --- entity pages: datetime.date -----------------------------------------------------------------

_DATE = re.compile(r"^(-?[0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def parse_date(value: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a date of any precision covers: '2019' → (2019-01-01, 2019-12-31)."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    try:
        y = int(year)
        if day:
            d = dt.date(y, int(month), int(day))
            return d, d
        if month:
            m = int(month)
            return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    except ValueError:
        return None


def as_of_valid(start: str | None, end: str | None, day: dt.date) -> bool:
    """Whether a period (open ends allowed) covers ``day``, compared at the precision given."""
    if start:
        bounds = parse_date(start)
        if bounds and day < bounds[0]:
            return False
    if end:
        bounds = parse_date(end)
        if bounds and day > bounds[1]:
            return False
    return True


# --- the planner's views: ISO strings ------------------------------------------------------------

_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_day(text: str | None, what: str = "date") -> str | None:
    """A day as YYYY-MM-DD (validated) or None when empty."""
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


def valid_on(day: str | None, start: str | None, end: str | None) -> bool:
    """Whether an interval given at any precision (YYYY, YYYY-MM, YYYY-MM-DD) covers ``day``;
    open ends are open. The same rule as queries/16."""
    if day is None:
        return True
    return not ((start and start > day[: len(start)]) or (end and day[: len(end)] > end))
