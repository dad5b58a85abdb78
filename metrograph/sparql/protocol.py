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

The lexical checks (:func:`refuse_unsafe`, :func:`query_form`) see the query as the engine's
parser does (:mod:`metrograph.sparql.lexer`: ``<`` is an IRI or the less-than operator by its
place in the grammar), so the word "service" inside a string, an IRI, a prefixed name's local
part or a comment is not a ``SERVICE`` clause, and no comment or IRI can hide one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl

from metrograph.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from metrograph.sparql import lexer

__all__ = [
    "QUERY_FORMS",
    "UPDATE_KEYWORDS",
    "ParsedRequest",
    "has_dataset_clause",
    "is_light",
    "is_point_lookup",
    "parse_request",
    "query_form",
    "refuse_unsafe",
    "unescape",
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


# --- lexical analysis (metrograph/sparql/lexer.py reads the query as the engine does) ----------

_IRI = re.compile(r'[^<>"{}|^`\\\x00-\x20]*')
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: Deepest nesting accepted (brackets plus runs of prefix operators such as ``!``). pyoxigraph's
#: recursive parser overflows its stack at ~2,500 nested groups and parses nested blank nodes
#: in cubic time (0.2 s at 64 levels, 20 s at 200); tests/test_sparql_lexer.py
#: checks that it survives queries at this limit in every bracket kind.
MAX_NESTING = 64
FEDERATION_OFF = ("SERVICE (federated query) is not allowed on this endpoint: federation is "
                  "off, so query only the data served here")


def unescape(text: str) -> str:
    """SPARQL 1.1 §19.2 codepoint escapes (processed before parsing by some engines)."""

    def sub(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _ESCAPE.sub(sub, text)


def lex(text: str) -> Iterator[tuple[str, str]]:
    """The query's tokens as (kind, text), read as the engine reads them."""
    for token in lexer.tokens(text):
        yield token.kind, token.text


def _keywords(text: str) -> Iterator[str]:
    for kind, token in lex(text):
        if kind == "word":
            yield token.upper()


def _is_service(token: lexer.Token) -> bool:
    """A word that contains SERVICE is one: pyoxigraph reads ``trueSERVICE <…>`` as a service
    call (keywords need no boundary). Subtler spellings (``SERVICE:x {}``) are left to the
    engine's parser (:mod:`metrograph.sparql.parse_check`)."""
    return token.kind == "word" and "SERVICE" in token.text.upper()


def refuse_unsafe(query: str) -> None:
    """Raise BadRequest for update operations, ``SERVICE`` anywhere (federation is off) and
    nesting deeper than :data:`MAX_NESTING` (checked before evaluation). pyoxigraph reads
    ``\\u`` escapes only inside strings and IRIs, so the text is read as it is; the remote
    backend reads it unescaped too (:func:`metrograph.store.remote_rewrite.check_standard`)."""
    tokens = list(lexer.tokens(query))  # one reading for every check below
    first = _first_keyword_of((t.kind, t.text) for t in tokens)
    if first in UPDATE_KEYWORDS:
        raise BadRequest(READ_ONLY.format(what=first))
    deepest = 0
    for token in tokens:
        if _is_service(token):
            raise BadRequest(FEDERATION_OFF)
        deepest = max(deepest, token.depth)
    if deepest > MAX_NESTING:
        raise BadRequest(f"the query nests {deepest} levels deep (brackets and operators "
                         f"such as '!'); the limit is {MAX_NESTING}: flatten it")


def _first_keyword(text: str) -> str | None:
    """The first keyword after the prologue (BASE and PREFIX declarations)."""
    return _first_keyword_of(lex(text))


def _first_keyword_of(tokens: Iterable[tuple[str, str]]) -> str | None:
    expect_decl = 0
    for kind, token in tokens:
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
    tokens = [(kind, token) for kind, token in lex(query) if kind not in {"ws", "comment"}]
    i = 0
    while i < len(tokens) and tokens[i][0] == "word" and tokens[i][1].upper() in {"BASE", "PREFIX"}:
        expected = ("iri",) if tokens[i][1].upper() == "BASE" else ("pname", "iri")
        if tuple(kind for kind, _ in tokens[i + 1:i + 1 + len(expected)]) != expected:
            return False
        i += 1 + len(expected)
    return (len(tokens) == i + 2 and tokens[i][0] == "word" and tokens[i][1].upper() == "DESCRIBE"
            and tokens[i + 1][0] in {"iri", "pname"})


#: words that make a query's cost grow beyond reading a bounded number of rows
_HEAVY_WORDS = frozenset({"GROUP", "ORDER", "COUNT", "SUM", "AVG", "MIN", "MAX", "SAMPLE",
                          "GROUP_CONCAT", "DISTINCT", "REDUCED", "MINUS", "EXISTS", "OPTIONAL",
                          "UNION", "SERVICE", "HAVING"})
LIGHT_LIMIT = 1000


def is_light(query: str) -> bool:
    """Whether the query is expected to be cheap: an ASK, or a query with ``LIMIT`` of at most
    :data:`LIGHT_LIMIT` and no aggregation, sorting, subquery, optional part, union, negation
    or path closure. Light queries may use the express lane (metrograph/sparql/query_pool.py); one that
    runs long there anyway is moved to the general lane after a short budget."""
    words = [(t.kind, t.text.upper()) for t in lexer.tokens(query)
             if t.kind not in {"ws", "comment"}]
    selects = sum(1 for kind, word in words if kind == "word" and word == "SELECT")
    if selects > 1 or any(kind == "word" and word in _HEAVY_WORDS for kind, word in words):
        return False
    if any(kind == "punct" and word in {"*", "+"} for kind, word in words[1:]) and \
            not (selects and _only_projection_star(words)):
        return False
    if _first_keyword_of(words) == "ASK":  # words are upper case already
        return True
    for (kind, word), following in itertools.pairwise(words):
        if kind == "word" and word == "LIMIT":
            return following[0] == "number" and following[1].isdigit() \
                and int(following[1]) <= LIGHT_LIMIT
    return False


def _only_projection_star(words: list[tuple[str, str]]) -> bool:
    """Whether the only ``*`` / ``+`` tokens are ``SELECT *`` (not a path closure)."""
    stars = [i for i, (kind, word) in enumerate(words) if kind == "punct" and word in {"*", "+"}]
    return all(words[i][1] == "*" and i > 0 and words[i - 1][1] == "SELECT" for i in stars)
