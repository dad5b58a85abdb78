"""SPARQL 1.1 Protocol rules, without a web framework.

:func:`parse_request` turns what arrived (method, ``Content-Type``, URL parameters, body) into a
:class:`ParsedRequest` or raises the :class:`~metrograph.errors.HTTPError` the protocol asks for:

=========================================  ======================================================
request                                    outcome
=========================================  ======================================================
GET/HEAD ``?query=``                       the query
POST ``application/x-www-form-urlencoded`` ``query`` from the body
POST ``application/sparql-query``          the body (UTF-8) is the query
no query on GET/HEAD                       ``None``: the caller shows the service description
two or more queries; none on POST          400
``update=``, ``application/sparql-update``  400, the endpoint is read-only
an update operation as the query           400, the endpoint is read-only
``SERVICE`` anywhere in the query          400, federated queries are refused before evaluation
other POST media type                      415
query longer than the limit                413
=========================================  ======================================================

``default-graph-uri`` and ``named-graph-uri`` may come from the URL and (for form posts) from the
body; they restrict the dataset. Without them the default graph is the union of all graphs.
``format`` (same places) overrides content negotiation; the web layer interprets it.

The lexical checks (:func:`refuse_unsafe`, :func:`query_form`) see the query as tokens, so the
word "service" inside a string, an IRI, a prefixed name or a comment is not a ``SERVICE``
clause. Where SPARQL's lexical grammar is ambiguous (``<`` is both the start of an IRI and the
less-than operator) both readings are followed, so no reading can hide a ``SERVICE``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl

from metrograph.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

__all__ = [
    "QUERY_FORMS",
    "UPDATE_KEYWORDS",
    "ParsedRequest",
    "has_dataset_clause",
    "is_point_lookup",
    "parse_request",
    "query_form",
    "refuse_unsafe",
]

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
READ_ONLY = ("this endpoint is read-only: SPARQL Update ({what}) is not accepted; "
             "send a query (SELECT, ASK, CONSTRUCT or DESCRIBE)")


@dataclass(frozen=True)
class ParsedRequest:
    """One protocol query request: the query text and the dataset the protocol specifies."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    #: ``format=`` values (short names such as ``csv`` or media types); empty ones dropped
    formats: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def _mime(content_type: str | None) -> tuple[str, dict[str, str]]:
    if not content_type:
        return "", {}
    kind, *params = content_type.split(";")
    parsed = {}
    for param in params:
        name, _, value = param.partition("=")
        parsed[name.strip().lower()] = value.strip().strip('"')
    return kind.strip().lower(), parsed


def _values(pairs: Iterable[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in pairs if key == name]


def parse_request(method: str, content_type: str | None, url_params: Iterable[tuple[str, str]],
                  body: bytes, max_query_bytes: int) -> ParsedRequest | None:
    """Apply the protocol's rules; ``None`` means a GET without a query (describe the service).

    ``method`` must already be GET, HEAD or POST (the web layer answers the others with 405).
    """
    url_pairs = list(url_params)
    method = method.upper()
    if method in {"GET", "HEAD"}:
        pairs, queries = url_pairs, _values(url_pairs, "query")
    elif method == "POST":
        mime, params = _mime(content_type)
        if mime == UPDATE_TYPE:
            raise BadRequest(READ_ONLY.format(what=UPDATE_TYPE))
        if mime == FORM_TYPE:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise BadRequest(f"the form body is not valid UTF-8 ({exc.reason})") from exc
            form_pairs = parse_qsl(text, keep_blank_values=True)
            pairs = url_pairs + form_pairs
            queries = _values(pairs, "query")
        elif mime == QUERY_TYPE:
            charset = params.get("charset", "utf-8").lower()
            if charset not in {"utf-8", "utf8"}:
                raise UnsupportedMediaType(
                    f"{QUERY_TYPE} must be UTF-8 encoded, not {params['charset']}")
            try:
                body_query = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise BadRequest(f"the query is not valid UTF-8 ({exc.reason})") from exc
            pairs = url_pairs
            queries = [body_query, *_values(url_pairs, "query")]
        else:
            shown = f"'{mime}'" if mime else "no Content-Type"
            raise UnsupportedMediaType(
                f"POST with {shown}: send the query as {QUERY_TYPE} "
                f"or as the 'query' field of {FORM_TYPE}")
    else:  # pragma: no cover - the web layer filters methods first
        raise BadRequest(f"method {method} cannot carry a query")

    if _values(pairs, "update") or _values(pairs, "using-graph-uri") \
            or _values(pairs, "using-named-graph-uri"):
        raise BadRequest(READ_ONLY.format(what="an 'update' parameter"))
    default_graphs = tuple(_values(pairs, "default-graph-uri"))
    named_graphs = tuple(_values(pairs, "named-graph-uri"))
    if len(queries) > 1:
        raise BadRequest(f"exactly one query per request, got {len(queries)} 'query' values")
    if not queries:
        if method == "POST":
            raise BadRequest(f"POST without a query: send it as {QUERY_TYPE} or as the "
                             f"'query' field of {FORM_TYPE}")
        if default_graphs or named_graphs:
            raise BadRequest("'default-graph-uri'/'named-graph-uri' given without a 'query'")
        return None
    query = queries[0]
    size = len(query.encode("utf-8"))
    if size > max_query_bytes:
        raise PayloadTooLarge(f"the query has {size} bytes; the limit is {max_query_bytes}")
    if not query.strip():
        raise BadRequest("the 'query' is empty")
    for iri in (*default_graphs, *named_graphs):
        if not _IRI.fullmatch(iri) or ":" not in iri:
            raise BadRequest(f"not an absolute IRI in default-graph-uri/named-graph-uri: {iri!r}")
    refuse_unsafe(query)
    formats = tuple(v.strip() for v in _values(pairs, "format") if v.strip())
    return ParsedRequest(query, default_graphs, named_graphs, formats)


# --- lexical analysis --------------------------------------------------------------------------

_IRI = re.compile(r'[^<>"{}|^`\\\x00-\x20]*')
_PN_CHARS_BASE = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff" \
                 "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf" \
                 "\ufdf0-\ufffd\U00010000-\U000effff"
_PN_CHARS = _PN_CHARS_BASE + r"_\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
               |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'
               |"(?:[^"\\\n\r]|\\.)*")
    | (?P<var>[?$][""" + _PN_CHARS + r"""]*)
    | (?P<bnode>_:[""" + _PN_CHARS + r""".]*)
    | (?P<pname>(?:[""" + _PN_CHARS_BASE + r"""][""" + _PN_CHARS + r""".]*)?:
                (?:[""" + _PN_CHARS + r""".:%]|\\.)*)
    | (?P<word>[""" + _PN_CHARS_BASE + r"""_][""" + _PN_CHARS + r"""]*)
    """,
    re.VERBOSE | re.DOTALL,
)
_IRI_TOKEN = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: Work budget of the both-readings scan, per character of query text.
_SCAN_BUDGET = 40


def _unescape(text: str) -> str:
    """SPARQL 1.1 §19.2 codepoint escapes (processed before parsing by some engines)."""

    def sub(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _ESCAPE.sub(sub, text)


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """One reading of the query: IRIs are taken wherever one fits. Yields (kind, text)."""
    pos = 0
    while pos < len(text):
        if text[pos] == "<":
            iri = _IRI_TOKEN.match(text, pos)
            if iri:
                yield "iri", iri.group()
                pos = iri.end()
                continue
        match = _TOKEN.match(text, pos)
        if match:
            yield match.lastgroup or "other", match.group()
            pos = match.end()
        else:
            yield "other", text[pos]
            pos += 1


def _keywords(text: str) -> Iterator[str]:
    for kind, token in _tokens(text):
        if kind == "word":
            yield token.upper()


def _mentions_service(text: str) -> bool:
    """Whether ``SERVICE`` can be read as a keyword under *any* reading of ``<``.

    A word (or the prefix of a prefixed name) that merely *contains* SERVICE counts too:
    pyoxigraph reads ``SERVICE:x {}`` and ``trueSERVICE<...>`` as service calls. Token starts
    reachable under either reading of ``<`` (IRI or less-than) are explored. Inside a span that
    could be an IRI nothing is flagged (a SERVICE clause needs ``{``, which an IRI cannot hold),
    but the span is still lexed, since a quote or ``#`` in it changes what follows.
    """
    budget = _SCAN_BUDGET * (len(text) + 1)
    quiet_until: dict[int, int] = {}  # token start -> end of the IRI-like span it lies in
    todo = [(0, 0)]
    while todo:
        pos, quiet = todo.pop()
        quiet = quiet if quiet > pos else 0  # at most one span encloses a position
        if pos >= len(text) or quiet_until.get(pos, len(text) + 1) <= quiet:
            continue
        quiet_until[pos] = quiet
        budget -= 1
        if budget < 0:
            raise BadRequest("the query is too convoluted to check for SERVICE; simplify it")
        if text[pos] == "<":
            iri = _IRI_TOKEN.match(text, pos)
            if iri:
                todo.append((iri.end(), quiet))
                todo.append((pos + 1, max(quiet, iri.end())))  # the less-than reading
                budget -= len(iri.group())
            else:
                todo.append((pos + 1, quiet))
            continue
        match = _TOKEN.match(text, pos)
        if not match:
            todo.append((pos + 1, quiet))
            continue
        token = match.group()
        if pos >= quiet:
            if match.lastgroup == "word" and "SERVICE" in token.upper():
                return True
            if match.lastgroup == "pname" and "SERVICE" in token.partition(":")[0].upper():
                return True
        todo.append((match.end(), quiet))
        budget -= len(token)
    return False


def refuse_unsafe(query: str) -> None:
    """Raise BadRequest for update operations and for ``SERVICE`` (checked before evaluation)."""
    for text in {query, _unescape(query)}:
        first = _first_keyword(text)
        if first in UPDATE_KEYWORDS:
            raise BadRequest(READ_ONLY.format(what=first))
        # a token is a substring and upper() maps character by character, so without
        # SERVICE in the upper-cased text no token can hold it (the scan is the slow part)
        if "SERVICE" in text.upper() and _mentions_service(text):
            raise BadRequest(
                "SERVICE (federated query) is not allowed on this endpoint; "
                "query only the data served here (a prefix whose name contains 'service' "
                "counts as SERVICE too: rename it)")


def _first_keyword(text: str) -> str | None:
    """The first keyword after the prologue (BASE and PREFIX declarations)."""
    expect_decl = 0
    for kind, token in _tokens(text):
        if kind in {"ws", "comment"}:
            continue
        if expect_decl:  # skip the operands of BASE <iri> / PREFIX p: <iri>
            expect_decl -= 1
            continue
        if kind != "word":
            return None
        word = token.upper()
        if word == "BASE":
            expect_decl = 1
        elif word == "PREFIX":
            expect_decl = 2
        else:
            return word
    return None


def query_form(query: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK (upper case), or None if the text is not a query."""
    word = _first_keyword(query)
    return word if word in QUERY_FORMS else None


def has_dataset_clause(query: str) -> bool:
    """Whether the query names its own dataset (``FROM`` / ``FROM NAMED``)."""
    return "FROM" in set(_keywords(query))


def is_point_lookup(query: str) -> bool:
    """Whether the query is ``DESCRIBE`` of one IRI (or prefixed name) after BASE/PREFIX
    declarations, and nothing else: no WHERE, dataset clause, variable or second resource.
    Its answer is the resource's outgoing triples, bounded by the data (see web/sparql.py)."""
    if "\\" in query:  # escapes: leave the reading to the general path
        return False
    tokens = [(kind, token) for kind, token in _tokens(query) if kind not in {"ws", "comment"}]
    i = 0
    while i < len(tokens) and tokens[i][0] == "word" and tokens[i][1].upper() in {"BASE", "PREFIX"}:
        expected = ("iri",) if tokens[i][1].upper() == "BASE" else ("pname", "iri")
        if tuple(kind for kind, _ in tokens[i + 1:i + 1 + len(expected)]) != expected:
            return False
        i += 1 + len(expected)
    return (len(tokens) == i + 2 and tokens[i][0] == "word" and tokens[i][1].upper() == "DESCRIBE"
            and tokens[i + 1][0] in {"iri", "pname"})
