"""pyoxigraph's own parser as the last word on federation, without it ever reaching a network.

The lexical check (:func:`metrograph.sparql.protocol.refuse_unsafe`) refuses ``SERVICE`` early and with
a plain sentence, but pyoxigraph's grammar has quirks no tokenizer reproduces for certain
(keywords need no boundary, so ``trueSERVICE``, ``SELECTREDUCED`` and ``FILTER:f(`` are read as
two words; ``ex:.SERVICE`` is a prefixed name, a dot and the keyword). So the engine's parser
decides as well. pyoxigraph has no parse-only call and evaluating a query that holds
``SERVICE`` would fetch from the network, so it parses a *disarmed* copy instead: every
spelling of "service" changed to "servicx" (or "servicq", …: a word of the same length that is
no keyword and occurs nowhere in the query, so no two names become one and no undeclared
prefix ``service:`` meets a declared ``servicx:``).

* Where "service" sits in a string, an IRI, a comment, a variable, a language tag or a
  prefixed name (its declaration changed alike), the copy parses exactly as the query does.
* Where it is the keyword, the copy holds a bare ``SERVICX`` where the grammar wants a
  keyword, and does not parse.

A query that mentions "service" and whose copy does not parse is refused (it holds ``SERVICE``
or does not parse at all; pyoxigraph's error positions are the furthest point its parser
tried, so the two cannot be told apart by them); one whose copy parses holds no ``SERVICE``.
``tests/test_sparql_lexer.py`` checks this against a listener that counts what pyoxigraph
really fetches.

The copy is evaluated on an empty store, whole: an earlier version left out ``VALUES`` rows by
the tokenizer's reading, and a red-team run hid a ``SERVICE`` in what that took away.
pyoxigraph evaluates ASK, aggregates and ORDER BY at once, so the query processes run this check
under their time and memory limits; the remote backend runs it in the server process
(:func:`metrograph.store.remote_rewrite.check_standard`), where a costly query costs the check
what it would cost the store.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from metrograph.errors import BadRequest

__all__ = ["check", "disarmed", "mentions_service"]

_SERVICE = re.compile(r"(servic)e", re.IGNORECASE | re.ASCII)
#: Parses queries; being empty, it has (almost) nothing to evaluate.
_EMPTY = ox.Store()
UNPARSED = ("the query holds a SERVICE clause or does not parse ({syntax}); if it has a SERVICE "
            "clause: federation is off, so query only the data served here")


def mentions_service(text: str) -> bool:
    """Whether "service" occurs anywhere in the text, in any letter case."""
    return _SERVICE.search(text) is not None


def disarmed(text: str) -> str:
    """The text with every "service" (any case) changed to "servic" and a letter that makes a
    word found nowhere in the text (same length, same case)."""
    lowered = text.lower()
    letter = next((c for c in "xqzjkwyvbdfghlmnoprstuaci" if "servic" + c not in lowered), None)
    if letter is None:
        raise BadRequest("the query holds 'servic' with every letter after it; rename some")
    return _SERVICE.sub(lambda m: m.group(1) + (letter.upper() if m.group(0)[-1] == "E"
                                                 else letter), text)


def check(text: str, prefixes: dict[str, str] | None = None, base_iri: str | None = None) -> None:
    """Parse ``text`` as pyoxigraph does, never reaching the network.

    Raises BadRequest when the query mentions "service" and its disarmed copy does not parse
    (a ``SERVICE`` clause, or a syntax error: the message names both), SyntaxError (with
    pyoxigraph's message) when a query that does not mention it does not parse. The copy is
    the whole query (no tokenizer decides what the parser sees), so evaluating it may cost what
    the query costs: call it where a time limit applies."""
    copy = disarmed(text)
    try:
        _EMPTY.query(copy, prefixes=prefixes, base_iri=base_iri)
    except SyntaxError as exc:
        if mentions_service(text):
            raise BadRequest(UNPARSED.format(syntax=exc)) from None
        raise
    except Exception:  # parsed; evaluating on an empty store may fail, which is fine
        pass
