"""Content negotiation by RFC 9110 §12.5.1 (``Accept``), shared by every content-negotiating route.

Rules, in order:

* Each offered type gets the quality of the *most specific* ``Accept`` range that matches it:
  ``type/subtype;param=value`` beats ``type/subtype`` beats ``type/*`` beats ``*/*``. Media-type
  parameters other than ``q`` only add specificity (they never prevent a match).
* ``q=0`` means "not acceptable": an offered type whose most specific match has ``q=0`` is
  excluded even when ``*/*`` would allow it.
* Highest quality wins; ties go to the server's order of preference (the order of ``offered``).
  The order of the ranges in the header is not significant (RFC 9110).
* No ``Accept`` header (or an empty one) accepts anything: the first offered type wins.
  A header with nothing parsable is treated the same way.
* Nothing acceptable: :func:`choose` returns ``None``; the caller answers 406 and names the
  offered types.

:func:`by_parameter` implements the explicit override: ``?format=csv`` (a short name) or
``?format=text/csv`` (a media type) chooses the format regardless of ``Accept``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["MediaRange", "by_parameter", "choose", "parse_accept", "quality"]


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    params: tuple[tuple[str, str], ...]
    q: float

    @property
    def specificity(self) -> int:
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 3 if self.params else 2

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return True
        if self.type != kind:
            return False
        return self.subtype in {"*", sub}


def _parse_q(value: str) -> float | None:
    try:
        q = float(value)
    except ValueError:
        return None
    if not 0.0 <= q <= 1.0:
        return None
    return q


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an ``Accept`` header; malformed members are dropped, never fatal."""
    ranges: list[MediaRange] = []
    for member in (header or "").split(","):
        member = member.strip()
        if not member:
            continue
        name, *raw_params = (part.strip() for part in member.split(";"))
        kind, slash, sub = name.lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q: float | None = 1.0
        params: list[tuple[str, str]] = []
        for raw in raw_params:
            key, _, value = raw.partition("=")
            key = key.strip().lower()
            value = value.strip().strip('"')
            if key == "q":
                q = _parse_q(value)
                break  # anything after q is an accept-extension, not a media-type parameter
            if key:
                params.append((key, value))
        if q is None:
            continue
        ranges.append(MediaRange(kind, sub, tuple(params), q))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The quality the client gives ``media_type``: that of the most specific matching range."""
    best: MediaRange | None = None
    for candidate in ranges:
        if candidate.matches(media_type.lower()) and (
            best is None or candidate.specificity > best.specificity
            or (candidate.specificity == best.specificity and candidate.q > best.q)
        ):
            best = candidate
    return best.q if best else 0.0


def choose(accept_header: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type to send, or ``None`` if none is acceptable (answer 406)."""
    if not offered:
        return None
    ranges = parse_accept(accept_header)
    if not ranges:
        return offered[0]
    best_type, best_q = None, 0.0
    for media_type in offered:  # strict '>' keeps the server's order on ties
        q = quality(ranges, media_type)
        if q > best_q:
            best_type, best_q = media_type, q
    return best_type


def by_parameter(value: str, names: Mapping[str, str], offered: Sequence[str]) -> str | None:
    """Resolve a ``format=`` value (short name or media type) to one of ``offered``, or None."""
    value = value.strip().lower()
    media_type = names.get(value, value)
    return media_type if media_type in offered else None
