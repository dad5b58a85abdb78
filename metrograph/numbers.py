"""Numbers as people read them: German pages ``5.541.432`` and ``1.881,46``, English pages
``5,541,432`` and ``1,881.46``. The lexical form's digits are kept as they are (no rounding);
anything that is not a plain decimal number is shown unchanged."""

from __future__ import annotations

import re

__all__ = ["NUMERIC_DATATYPES", "format_number"]

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
