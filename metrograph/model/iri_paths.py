"""Our IRIs and the server paths that stand for them: ``/id/kreis/03358`` ↔ ``<base>id/kreis/03358``.

Canonical IRIs are always under the configured base, never the request host. Only what we mint
is ours: the roots ``id/``, ``source/``, ``graph/``, ``ontology/`` and ``ontology``, ``dataset``.
"""

from __future__ import annotations

import re

__all__ = ["MAX_PATH", "BadPath", "iri_for_path", "path_for_iri"]

MAX_PATH = 512
#: Paths under the base that are ours: whole segments or prefixes.
_ROOTS = ("id/", "source/", "graph/", "ontology/")
_EXACT = ("ontology", "dataset")
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")


class BadPath(ValueError):
    """A path that can never name a resource of ours (400)."""


def iri_for_path(base: str, path: str) -> str | None:
    """The canonical IRI a server path stands for, or None if the path is not in our space.

    Raises :class:`BadPath` for ``..``/``.`` segments, empty segments, overlong paths and
    replacement characters (undecodable bytes).
    """
    rest = path.lstrip("/") if path.startswith("/") else path
    if len(path) > MAX_PATH:
        raise BadPath(f"the path is longer than {MAX_PATH} characters")
    if "\ufffd" in rest or "\\" in rest or "\x00" in rest:
        raise BadPath("the path is not valid UTF-8 or holds forbidden characters")
    segments = rest.split("/")
    if any(s in {".", ".."} for s in segments):
        raise BadPath("the path may not contain '.' or '..' segments")
    if rest in _EXACT:
        return base + rest
    if not rest.startswith(_ROOTS):
        return None
    if "" in segments:
        raise BadPath("the path has an empty segment")
    if not all(_SEGMENT.match(s) for s in segments):
        return None
    return base + rest


def path_for_iri(base: str, iri: str) -> str | None:
    """The local path of one of our IRIs (fragment kept), or None for a foreign IRI."""
    if not iri.startswith(base):
        return None
    rest = iri[len(base):]
    document, hash_, fragment = rest.partition("#")
    if document in _EXACT or document.startswith(_ROOTS):
        return "/" + document + (hash_ + fragment if hash_ else "")
    return None
