"""Query text rewriting for the remote backend, on SPARQL's tokens (never on raw strings).

Each function takes query text and returns text (or what it found): a DESCRIBE as the SELECT of
the resources it describes, typed parameters as a ``VALUES`` block at the start of the WHERE
group, the query's ``BASE`` moved first, ``FROM`` clauses removed where the protocol's dataset
replaces them, the WKT datatype spelled as its stand-in, and the check that refuses what only
a particular store understands. :mod:`metrograph.store.remote` applies them.
"""

from __future__ import annotations

import threading
from typing import Any

import pyoxigraph as ox

from metrograph.errors import BadRequest
from metrograph.sparql import protocol
from metrograph.sparql.parse_process import ParseChecker

__all__ = ["WKT", "WKT_STAND_IN", "bind_values", "check_standard", "describe_as_select",
           "from_graphs", "split_base", "values_clause", "with_stand_ins",
           "without_dataset_clauses"]

#: GeoSPARQL's WKT datatype, and what the remote store holds instead: Virtuoso 7 turns
#: ``geo:wktLiteral`` values into its own geometry type (rounding coordinates, changing the
#: datatype, refusing a CRS prefix), so they travel under a stand-in datatype both ways.
WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
WKT_STAND_IN = "urn:x-metrograph:datatype:wktLiteral"
#: Function namespaces of stores that reach outside SPARQL (SQL, files, the network).
_EXTENSION_NAMESPACES = ("bif:", "sql:", "java:", "http://www.openlinksw.com/",
                         "http://jena.apache.org/ARQ/function#", "http://www.ontotext.com/")


_CHECKER: ParseChecker | None = None
_CHECKER_LOCK = threading.Lock()


def default_checker() -> ParseChecker:
    """The checking processes of this server process (started when first needed)."""
    global _CHECKER
    with _CHECKER_LOCK:
        if _CHECKER is None:
            _CHECKER = ParseChecker(timeout=10.0)
        return _CHECKER


def check_standard(text: str, prefixes: dict[str, str] | None = None,
                   base_iri: str | None = None, checker: ParseChecker | None = None) -> None:
    """Refuse what only a particular store understands: anything pyoxigraph cannot parse (with
    the same messages as the embedded store), ``SERVICE`` by the engine's own parse, and IRIs
    in the function namespaces of stores (``bif:``, ``sql:``, …). The parse runs in a
    checking process under a time limit (:class:`~metrograph.sparql.parse_process.ParseChecker`:
    503 past it), never in the server process."""
    parse = (checker or default_checker()).check
    parse(text, prefixes, base_iri)
    unescaped = protocol.unescape(text)
    if unescaped != text:  # a store that reads \u escapes before parsing sees this text
        protocol.refuse_unsafe(unescaped)
        parse(unescaped, prefixes, base_iri)
    for candidate in {text, unescaped}:
        for kind, token in protocol.lex(candidate):
            if kind == "iri" and token[1:].lower().startswith(_EXTENSION_NAMESPACES):
                raise BadRequest(f"{token} is a store-specific extension; this endpoint "
                                 "accepts standard SPARQL 1.1 only")


def bind_values(text: str, substitutions: dict[Any, Any]) -> str:
    """Typed parameters as a ``VALUES`` block at the start of the query's WHERE group, so
    the variables are bound before its FILTERs and OPTIONALs are evaluated (as pyoxigraph's
    substitutions bind them; a trailing ``VALUES`` would join only at the very end)."""
    pairs = list(protocol.lex(text))
    kinds, tokens = [k for k, _ in pairs], [t for _, t in pairs]
    form_at = next((i for i, (k, t) in enumerate(zip(kinds, tokens, strict=True))
                    if k == "word" and t.upper() in protocol.QUERY_FORMS), 0)
    depth, start, after_where = 0, None, False
    for i in range(form_at, len(tokens)):
        token = tokens[i]
        if kinds[i] == "word" and token.upper() == "WHERE" and depth == 0:
            after_where = True
        elif token in "({":
            # without the WHERE keyword the first top-level { opens the pattern, except in
            # CONSTRUCT, whose first { is the template
            if token == "{" and depth == 0 and (after_where
                                                or tokens[form_at].upper() != "CONSTRUCT"):
                start = i
                break
            depth += 1
        elif token in ")}":
            depth -= 1
    if start is None:  # not found: a trailing VALUES is still correct for simple patterns
        return text + "\n" + values_clause(substitutions)
    return "".join(tokens[:start + 1]) + " " + values_clause(substitutions) + " " \
        + "".join(tokens[start + 1:])


def values_clause(substitutions: dict[Any, Any]) -> str:
    """Typed parameters as a ``VALUES`` block (terms in their N-Triples form)."""
    names, terms = [], []
    for variable, term in substitutions.items():
        names.append("?" + (variable.value if isinstance(variable, ox.Variable) else str(variable)))
        terms.append(str(term))
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"


def with_stand_ins(text: str) -> str:
    """The query with every spelling of the WKT datatype (IRI or prefixed name) replaced by
    its stand-in, so filters and constants match what the store holds."""
    out: list[str] = []
    prefixes: dict[str, str] = {}
    pending, after_prefix = None, False
    for kind, token in protocol.lex(text):
        if kind in {"ws", "comment"}:
            out.append(token)
            continue
        if kind == "pname" and pending is None and after_prefix:
            pending = token[:-1]
        elif kind == "iri" and pending is not None:
            prefixes[pending], pending = token[1:-1], None
            out.append(token)
            after_prefix = False
            continue
        after_prefix = kind == "word" and token.upper() == "PREFIX"
        if kind == "iri" and token[1:-1] == WKT:
            token = f"<{WKT_STAND_IN}>"
        elif kind == "pname":
            name, _, local = token.partition(":")
            if prefixes.get(name, "") + local == WKT and name in prefixes:
                token = f"<{WKT_STAND_IN}>"
        out.append(token)
    return "".join(out)


def split_base(text: str) -> tuple[list[str], str]:
    """The query's ``BASE`` IRIs (in its prologue) and the query without them."""
    tokens = list(protocol.lex(text))
    bases: list[str] = []
    out: list[str] = []
    i = 0
    while i < len(tokens):
        kind, token = tokens[i]
        if kind == "word" and token.upper() == "BASE":
            j = i + 1
            while j < len(tokens) and tokens[j][0] in {"ws", "comment"}:
                j += 1
            if j < len(tokens) and tokens[j][0] == "iri":
                bases.append(tokens[j][1])
                i = j + 1
                continue
        elif kind == "word" and token.upper() != "PREFIX":
            out += [t for _, t in tokens[i:]]  # the prologue ends at the first other keyword
            break
        out.append(token)
        i += 1
    return bases, "".join(out)


def without_dataset_clauses(text: str) -> str:
    """The query without its ``FROM`` / ``FROM NAMED`` clauses (SPARQL Protocol: a dataset in
    the request replaces the query's; Virtuoso would merge the two)."""
    out: list[str] = []
    skipping = 0
    for kind, token in protocol.lex(text):
        if skipping:
            if kind in {"ws", "comment"}:
                continue
            if kind == "word" and token.upper() == "NAMED":
                continue
            skipping = 0
            if kind in {"iri", "pname"}:
                continue
        if kind == "word" and token.upper() == "FROM":
            skipping = 1
            continue
        out.append(token)
    return "".join(out)


def from_graphs(text: str) -> tuple[str, ...]:
    """The IRIs of the query's ``FROM`` clauses (not ``FROM NAMED``)."""
    words = [(k, t) for k, t in protocol.lex(text) if k not in {"ws", "comment"}]
    return tuple(words[n + 1][1][1:-1] for n, (k, t) in enumerate(words[:-1])
                 if k == "word" and t.upper() == "FROM" and words[n + 1][0] == "iri")


_DESCRIBE_END = {"FROM", "WHERE", "ORDER", "LIMIT", "OFFSET", "VALUES", "GROUP", "HAVING"}


def describe_as_select(text: str) -> str:
    """``DESCRIBE ?x <iri> … WHERE {…}`` as ``SELECT DISTINCT ?x (<iri> AS ?_d1) … WHERE {…}``:
    the resources a DESCRIBE is about, selected by the query's own pattern."""
    tokens = list(protocol.lex(text))
    out: list[str] = []
    i = 0
    while i < len(tokens) and not (tokens[i][0] == "word" and tokens[i][1].upper() == "DESCRIBE"):
        out.append(tokens[i][1])
        i += 1
    i += 1
    targets: list[str] = []
    while i < len(tokens):
        kind, token = tokens[i]
        if (kind == "word" and token.upper() in _DESCRIBE_END) or token == "{":
            break
        if kind in {"var", "iri", "pname"} or token == "*":
            targets.append(token)
        i += 1
    rest = [t for _, t in tokens[i:]]
    projection = []
    for n, target in enumerate(targets):
        projection.append(target if target.startswith(("?", "$", "*"))
                          else f"({target} AS ?_describe{n})")
    if not any(t.upper() == "WHERE" or t == "{" for t in rest):
        # SELECT needs a pattern: an empty one, after the dataset and before any modifier
        at = next((n for n, t in enumerate(rest) if t.upper() in _DESCRIBE_END - {"FROM"}),
                  len(rest))
        rest = [*rest[:at], "WHERE {} ", *rest[at:]]
    return "".join(out) + "SELECT DISTINCT " + " ".join(projection) + " " + "".join(rest)
