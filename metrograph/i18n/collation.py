"""The order of every list people read: German collation (DIN 5007, variant 1).

Umlauts sort as their base letters (ä = a, ö = o, ü = u), ß as ss, case and accents do not
count except to break ties: "Häuslingen" comes before "Hodenhagen", "Ölsburg" with "Olsburg".
English pages use the same order (it is also how English dictionaries treat accents).
"""

from __future__ import annotations

import unicodedata

__all__ = ["sort_key"]


def sort_key(text: str) -> tuple[str, str]:
    """Key for ``sorted``: the text without case and diacritics, then the text itself."""
    folded = text.casefold()  # also ß → ss
    base = "".join(c for c in unicodedata.normalize("NFKD", folded)
                   if not unicodedata.combining(c))
    return base, folded
