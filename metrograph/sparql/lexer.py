"""SPARQL's lexical grammar, read the way the engine reads it.

SPARQL has one real lexical ambiguity: ``<`` starts an IRI (``IRIREF``) where a term is
expected and is the less-than operator after an operand inside an expression. Which one it
is decides what follows: ``FILTER(1<2)SERVICE#>`` holds a ``SERVICE`` keyword and a comment
when ``<`` is less-than, and one IRI ``<2)SERVICE#>`` otherwise. pyoxigraph's parser decides by
its position in the grammar, so :func:`tokens` does too: it keeps a stack of the brackets it is
in, each marked as an *expression* (``FILTER(…)``, ``BIND(…)``, a projection ``(… AS ?x)``,
function arguments, ``GROUP BY``/``ORDER BY``/``HAVING`` conditions) or as *terms* (a group
``{…}``, a collection or path ``(…)``, a blank node ``[…]``, a ``VALUES`` row, a triple term),
and reads ``<`` as the operator exactly where an expression bracket is open and the token
before it ends an operand. Everywhere else ``<`` starts an IRI, as in the grammar.

The other terminals follow the grammar's rules (SPARQL 1.1 §19.8): comments run from ``#`` to the
end of the line; strings in all four quotings with their escapes; ``PNAME_NS``/``PNAME_LN``
with ``PLX`` escapes; variables, blank-node labels, numbers and language tags. The test suite
checks this reading against what pyoxigraph evaluates (``tests/test_sparql_lexer.py``).

Each token also carries the nesting depth it sits at (brackets plus a run of prefix operators
such as ``!``), which :func:`max_depth` reports: pyoxigraph's recursive parser overflows its
stack on a few thousand levels, so deep queries are refused before they reach it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Token", "max_depth", "tokens"]

_PN_CHARS_BASE = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff" \
                 "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf" \
                 "\ufdf0-\ufffd\U00010000-\U000effff"
_PN_CHARS = _PN_CHARS_BASE + r"_\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_VARNAME = _PN_CHARS.replace(r"\-", "")  # a variable's name has no '-' (``?x-1`` subtracts)
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
#: a local name as pyoxigraph reads it: no leading dot, and at most one group of dots inside
#: (``ex:a.b.c`` is ``ex:a.b``, then ``.c``)
_LOCAL_FIRST = "(?:[" + _PN_CHARS_BASE + "_:0-9]|" + _PLX + ")"
_LOCAL = "(?:[" + _PN_CHARS + ":]|" + _PLX + ")"
_TOKEN = re.compile(
    r"""
      (?P<ws>[\x20\t\r\n]+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
               |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'
               |"(?:[^"\\\n\r]|\\.)*")
    | (?P<var>[?$][""" + _VARNAME + r"""]*)
    | (?P<bnode>_:[""" + _PN_CHARS + r""".]*)
    | (?P<pname>(?:[""" + _PN_CHARS_BASE + r"""](?:[""" + _PN_CHARS + r""".]*[""" + _PN_CHARS + r"""])?)?:
                (?:""" + _LOCAL_FIRST + "(?:" + _LOCAL + "*(?:\\.+" + _LOCAL + "+)?)?" + r""")?)
    | (?P<word>[""" + _PN_CHARS_BASE + r"""_][""" + _PN_CHARS + r"""]*)
    | (?P<number>[0-9]+\.[0-9]*[eE][+-]?[0-9]+|[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?
               |[0-9]+(?:[eE][+-]?[0-9]+)?)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?)
    | (?P<punct>\^\^|&&|\|\||!=|>=|>>|[{}()\[\],;.*/|^!+\-=>~])
    """,
    re.VERBOSE | re.DOTALL,
)
#: IRIREF, with the UCHAR escapes (``\\u0041``) pyoxigraph reads inside an IRI
_IRIREF = re.compile(r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>')
#: tokens after which an expression has a complete operand (so ``<`` is less-than)
_OPERAND_KINDS = frozenset({"var", "iri", "pname", "string", "number", "langtag"})
_OPERAND_WORDS = frozenset({"TRUE", "FALSE"})
#: a word before ``(`` in a group that opens a list of terms, not a call or expression
_LIST_WORDS = frozenset({"VALUES", "A", "UNDEF", "TRUE", "FALSE"})
#: clause words that start a part of a query where ``(`` opens an expression; pyoxigraph needs
#: no boundary after a keyword, so a word (or a prefixed name's prefix) that contains one opens
#: the clause too (``SELECTREDUCED``, ``ORDERBY``, ``HAVING:f(…)``)
_EXPRESSION_CLAUSES = {"SELECT": "select", "GROUP": "modifier", "ORDER": "modifier",
                       "HAVING": "modifier"}
#: words before a function IRI that make ``<iri>(`` a call (glued ones included)
_CALLERS = ("FILTER", "HAVING", "BY")
_CLAUSE_ENDS = frozenset({"WHERE", "LIMIT", "OFFSET", "VALUES", "CONSTRUCT", "DESCRIBE", "ASK",
                          "FROM"})
_PREFIX_OPERATORS = frozenset({"!", "^", "-", "+"})
_OPEN = {"{": "}", "(": ")", "[": "]", "<<": ">>"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str   #: ws, comment, string, var, bnode, pname, word, number, langtag, iri, op, punct, other
    text: str
    start: int
    depth: int  #: brackets open around it, plus the prefix operators just before it


@dataclass(slots=True)
class _Frame:
    kind: str           #: "expr" or "terms"
    closer: str
    clause: str = ""    #: "select" / "modifier" while such a clause is open in this frame


def _is_operand_end(token: Token | None) -> bool:
    if token is None:
        return False
    if token.kind in _OPERAND_KINDS:
        return True
    if token.kind == "word":
        return token.text.upper() in _OPERAND_WORDS
    return token.text in {")", "]", ">>", "}"}  # } ends EXISTS {…}


def _keyword_part(token: Token | None, declared: set[str]) -> str:
    """The letters a keyword may hide in (upper case): a word, or the prefix of a prefixed name
    whose prefix the query does not declare (``HAVING:f(``: the parser, finding no prefix
    ``HAVING``, reads the keyword and ``:f``)."""
    if token is None:
        return ""
    if token.kind == "word":
        return token.text.upper()
    if token.kind == "pname":
        prefix = token.text.partition(":")[0]
        return "" if prefix in declared else prefix.upper()
    return ""


def _clause_of(token: Token, declared: set[str]) -> str | None:
    """The expression clause a word (or a glued prefix) opens, "" for one that ends it."""
    part = _keyword_part(token, declared)
    if token.kind == "word" and part in _CLAUSE_ENDS:
        return ""
    for word, clause in _EXPRESSION_CLAUSES.items():
        if word in part:
            return clause
    return None


def _paren_kind(frame: _Frame, prev: Token | None, before: Token | None,
                declared: set[str]) -> str:
    """What a ``(`` opens, given the innermost frame and the two tokens before it."""
    if frame.kind == "expr":
        return "expr"
    if frame.closer == ")":
        return "terms"  # nested collection, path group or triple term
    if prev is None:
        return "terms"
    if prev.kind == "word":
        return "terms" if prev.text.upper() in _LIST_WORDS else "expr"
    if prev.kind == "var" or prev.text == ")":
        return "expr" if frame.clause else "terms"
    if prev.kind in {"iri", "pname"}:
        glued = _keyword_part(prev, declared) if prev.kind == "pname" else ""
        called = any(word in _keyword_part(before, declared) or word in glued
                     for word in _CALLERS)
        return "expr" if called or frame.clause == "modifier" else "terms"
    return "terms"


def tokens(text: str) -> Iterator[Token]:
    """The query as the engine's parser sees it, token by token (white space and comments
    included, so the texts add up to the query)."""
    stack = [_Frame("terms", "")]
    prev: Token | None = None     # last significant token
    before: Token | None = None   # the one before it
    prefix_run = 0
    declared: set[str] = set()  # the prefixes the query declares (PREFIX p: <…>)
    pos, end = 0, len(text)
    while pos < end:
        frame = stack[-1]
        char = text[pos]
        depth = len(stack) - 1 + prefix_run
        if char == "<":
            if frame.kind == "expr" and _is_operand_end(prev):
                size = 2 if text.startswith("<=", pos) else 1
                token = Token("op", text[pos:pos + size], pos, depth)
            elif text.startswith("<<", pos):
                token = Token("punct", "<<", pos, depth)
            else:
                iri = _IRIREF.match(text, pos)
                token = Token("iri" if iri else "other", iri.group() if iri else "<", pos, depth)
        else:
            match = _TOKEN.match(text, pos)
            if match:
                kind = match.lastgroup or "other"
                token = Token(kind, match.group(), pos, depth)
            else:
                token = Token("other", char, pos, depth)
        pos += len(token.text)
        yield token
        if token.kind in {"ws", "comment"}:
            continue
        value = token.text
        if token.kind == "punct" and value in _OPEN:
            triple_term = prev is not None and prev.text == "<<"
            kind = _paren_kind(frame, prev, before, declared) if value == "(" and not triple_term \
                else "terms"
            if frame.clause == "select" and value == "{":
                frame.clause = ""  # the WHERE group of a query without the keyword
            stack.append(_Frame(kind, _OPEN[value]))
        elif token.kind == "punct" and value in {")", "}", "]", ">>"} and len(stack) > 1 \
                and stack[-1].closer == value:
            stack.pop()
        if token.kind == "pname" and prev is not None and prev.kind == "word" \
                and prev.text.upper() == "PREFIX":
            declared.add(value.partition(":")[0])
        elif token.kind in {"word", "pname"} and frame.kind == "terms":
            clause = _clause_of(token, declared)
            if clause is not None:
                frame.clause = clause
        prefix_run = prefix_run + 1 if value in _PREFIX_OPERATORS and not _is_operand_end(prev) \
            else 0
        before, prev = prev, token


def max_depth(text: str) -> int:
    """The deepest nesting in the query (brackets and runs of prefix operators)."""
    return max((t.depth for t in tokens(text)), default=0)
