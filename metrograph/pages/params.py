"""Request parameters read the same way everywhere: ASCII digits only, IRIs checked before use.

``str.isdigit()`` and a regex ``\\d`` accept ``²``, ``①`` or ``٢`` that ``int()`` rejects or
reads differently, so numbers are matched against ``[0-9]`` alone. Every function raises
:class:`~metrograph.errors.BadRequest` with a sentence naming the parameter and what to send.
"""

from __future__ import annotations

import re

from metrograph.errors import BadRequest

__all__ = ["checked_iri", "whole_number"]

_DIGITS = re.compile(r"[0-9]{1,9}")
#: what RFC 3987 keeps out of an IRI (pyoxigraph refuses these too)
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
MAX_IRI_LENGTH = 2000


def whole_number(text: str | None, name: str, low: int, high: int, default: int) -> int:
    """``text`` as an integer from ``low`` to ``high``; ``default`` when empty."""
    text = (text or "").strip()
    if not text:
        return default
    if not _DIGITS.fullmatch(text) or not low <= int(text) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high} "
                         f"(digits 0-9), got {text[:20]!r}")
    return int(text)


def checked_iri(iri: str, name: str) -> str:
    """``iri`` when it is an absolute IRI pyoxigraph accepts; else a 400 naming ``name``."""
    if len(iri) > MAX_IRI_LENGTH or _NOT_IN_IRI.search(iri) or not _SCHEME.match(iri):
        raise BadRequest(f"{name} is not an absolute IRI: {iri[:80]!r} (no spaces, quotes, "
                         "angle or curly brackets; percent-encode them)")
    import pyoxigraph as ox

    try:
        ox.NamedNode(iri)
    except ValueError:
        raise BadRequest(f"{name} is not a valid IRI: {iri[:80]!r}") from None
    return iri
