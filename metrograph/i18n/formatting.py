"""Numbers and dates as people read them, in the page's language.

Numbers: German pages ``5.541.432`` and ``1.881,46``, English pages ``5,541,432`` and
``1,881.46``; the lexical form's digits are kept (no rounding). Dates at their precision:
``2019-07-01`` is „1. Juli 2019“ / "1 July 2019", ``2019-07`` „Juli 2019“ / "July 2019",
``2019`` stays ``2019``. Anything else is shown unchanged."""

from __future__ import annotations

import re

__all__ = ["NUMERIC_DATATYPES", "format_date", "format_number"]

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC_DATATYPES = frozenset(XSD + name for name in (
    "integer", "decimal", "double", "float", "nonNegativeInteger", "positiveInteger", "int",
    "long"))
_DECIMAL = re.compile(r"([+-]?)([0-9]+)(?:\.([0-9]+))?")
_MARKS = {"de": (".", ","), "en": (",", ".")}


def format_number(lexical: str | int | float, lang: str) -> str:
    """``lexical`` (an xsd:decimal/integer lexical form, or a Python number) in ``lang``'s
    digit grouping and decimal mark."""
    text = str(lexical).strip()
    match = _DECIMAL.fullmatch(text)
    if match is None:
        return text
    sign, whole, fraction = match.groups()
    group, point = _MARKS.get(lang, _MARKS["de"])
    grouped = f"{int(whole):,}".replace(",", group)
    return sign.replace("+", "") + grouped + (point + fraction if fraction else "")


_DATE = re.compile(r"(-?[0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_MONTHS = {
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}


def format_date(text: str | None, lang: str) -> str:
    """An ISO date of any precision (YYYY, YYYY-MM, YYYY-MM-DD) in ``lang``'s words."""
    text = (text or "").strip()
    match = _DATE.fullmatch(text)
    if match is None:
        return text
    year, month, day = match.groups()
    if month is None:
        return year
    if not 1 <= int(month) <= 12:
        return text
    name = _MONTHS.get(lang, _MONTHS["de"])[int(month) - 1]
    if day is None:
        return f"{name} {year}"
    return f"{int(day)}. {name} {year}" if lang != "en" else f"{int(day)} {name} {year}"
