"""The SERVICE refusal and the nesting limit, checked against what pyoxigraph itself does.

Two oracles. The first needs no network: a query holds a ``SERVICE`` keyword exactly when
pyoxigraph parses it and no longer parses it once every spelling of "service" is changed to
"servicx" (strings, IRIs, comments, variables and prefixed names parse either way; the keyword
does not). The second is the ground truth: a listener on 127.0.0.1 counts the connections
pyoxigraph opens while it evaluates what our checks let through. Generated queries mix
comments, strings, ``<`` comparisons, IRIs, glued keywords and the keyword in every case.
"""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import threading
import time

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrograph.errors import BadRequest
from metrograph.sparql import evaluation, lexer, protocol

EMPTY = ox.Store()
ENDPOINT = "<http://127.0.0.1:9/>"  # pyoxigraph refuses port 9 before connecting anywhere
PROLOGUE = f"PREFIX ex: <http://example.org/> PREFIX : {ENDPOINT} "
#: a second prologue whose prefix names look like keywords or like the disarmed word
LOOKALIKES = f"PREFIX servicx: <http://a/> PREFIX order: <http://o/> PREFIX : {ENDPOINT} "
FRAGMENTS = [
    "FILTER(1<2)", "FILTER(?x<2)", "FILTER(?x < <http://a/>)", "FILTER(?x<=3)", "FILTER(",
    "FILTER(1 IN (<http://a#>))", "FILTER(?a*<http://x#>)", "FILTER(STR(?x)<'b')",
    "SERVICE", "service", "SeRvIcE", "SILENT", ENDPOINT, "{", "}", "{}", "#", "#>", "\n",
    ">", "<", "'", '"', "'''", "'x # y'", '"SERVICE"', "<http://ex/service#>", "?x", "?service",
    "?s ?p ?o", ".", "ex:service", "ex:a", ":x", "BIND(1 AS ?x)", "(", ")", "true",
    "1", " ", "VALUES ?x { 1 }", "OPTIONAL", "<2)", "*", "!", "^", "/", "a", ";", ",", "[", "]",
    "<<", ">>", "@en", "^^", "EXISTS", "UNION", "GRAPH", "SELECT * WHERE", "1.", "trueSERVICE",
    # keywords glued to what follows (pyoxigraph's keywords need no boundary) and other quirks
    "FILTER:f(", "FILTERex:f(", "trueFILTER<http://x/f>(", "ex:.", ":.", "ex:a.b.", "EXISTS{}",
    "?x-", "HAVING:f(", "ORDERBY<http://x/f>(", "<<<http://x/#>", "\\u0022", "\\u0041'",
    "SERVICE:x", "'\\''", "?x<<", "}<2)", "<http://a\\u0041#>", "VALUES ?x { <http://a\\u0041#> }",
    "~", "~ service:", "service:", "?servicx", "BIND(1 AS ?servicx)", "order:p", "(?a <http://x/VALUES>)",
]
CONTEXTS = [
    (PROLOGUE + "SELECT * WHERE { ", " }"),
    (PROLOGUE + "ASK { ", " }"),
    (PROLOGUE + "CONSTRUCT { ?s ?p ?o } WHERE { ", " }"),
    (PROLOGUE + "SELECT * WHERE { { SELECT * WHERE { ", " } } }"),
    (PROLOGUE + "SELECT * WHERE { FILTER(", ") }"),
    (PROLOGUE + "SELECT (", " AS ?z) WHERE {}"),
    (PROLOGUE + "SELECT * WHERE {} ORDER BY ", ""),
    (LOOKALIKES + "SELECT * WHERE { ", " }"),
    (LOOKALIKES + "ASK { ?s order:p ", " }"),
]
REPRODUCERS = [
    "SELECT * WHERE { FILTER(1<2)SERVICE#>\nSILENT <http://127.0.0.1:18999/> { ?s ?p ?o } }",
    "SELECT * WHERE { FILTER(1<2)SERVICE#>\n <http://127.0.0.1:18999/> { ?s ?p ?o } }",
    "PREFIX e: <http://127.0.0.1:18999/> SELECT * WHERE { FILTER(1<2)SERVICE#>\nSILENT e: {} }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:18999/> AS ?e) FILTER(1<2)SERVICE#>\n?e {} }",
    "SELECT * WHERE { { SELECT * WHERE { FILTER(1<2)SERVICE#>\nSILENT <http://x/> {} } } }",
    "ASK { FILTER(1<2)SERVICE#>\nSILENT <http://127.0.0.1:18999/> {} }",
    "CONSTRUCT { ?s ?p ?o } WHERE { FILTER(1<2)SERVICE#>\nSILENT <http://127.0.0.1:18999/> { ?s ?p ?o } }",
    "select * where { filter(1<2)service#>\nsilent <http://127.0.0.1:18999/> {} }",
    "SELECT * WHERE { FILTER(?a*<http://x#>)SERVICE <http://127.0.0.1:18999/> {} }",
    "SELECT * WHERE { FILTER(1<2)SERVICE#>\n<http://127.0.0.1:18999/> {} }",
    # a second red-team run, against the grammar-following tokenizer
    "PREFIX : <http://x/> SELECT * WHERE { FILTER:f(1<2)SERVICE#>\n<http://127.0.0.1:9/> {} }",
    "PREFIX ex: <http://x/> SELECT * WHERE { FILTERex:f(1<2)SERVICE#>\n<http://127.0.0.1:9/> {} }",
    "SELECT * WHERE { ?s ?p trueFILTER<http://x/f>(1<2)SERVICE#>\n<http://127.0.0.1:9/>{} }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ?p ex:.SERVICE <http://127.0.0.1:9/> {} }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ?p ex:a.b.SERVICE <http://127.0.0.1:9/> {} }",
    "SELECT * WHERE { FILTER(EXISTS{}<2)SERVICE#>\n<http://127.0.0.1:9/>{} }",
    "SELECT * WHERE { FILTER(?x-<http://x/#>) SERVICE <http://127.0.0.1:9/> {} }",
    "SELECTREDUCED ?x (1<<http://x/#> AS ?y) { SERVICE <http://127.0.0.1:9/> {} }",
    "PREFIX : <http://x/> SELECT * WHERE { {SELECT (COUNT(*) AS ?c) {} HAVING:f(1<<http://x/#>)}"
    " SERVICE <http://127.0.0.1:9/> {} }",
    "SELECT * WHERE { {SELECT ?x {} ORDERBY<http://x/f>(?x<<http://x/#>)}"
    " SERVICE <http://127.0.0.1:9/> {} }",
    "SELECT * WHERE { ?s ?p <http://x/\\u0041'> . ?s ?p \"\\u0022\" ."
    " SERVICE <http://127.0.0.1:9/> {} } #'\"\"\"",
    "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:x {} }",
    # a third: IRIs with \u escapes misread (and VALUES rows dropped from the parsed copy), a
    # prefix named order: read as ORDER, a declared servicx: meeting an undeclared service:
    "SELECT * WHERE { VALUES ?x { <http://a\\u0041#> } SERVICE <http://127.0.0.1:9/> {\n } }",
    "ASK { VALUES ?x { <http://a\\U00000041#> } SERVICE <http://127.0.0.1:9/> {\n } }",
    "SELECT * WHERE { VALUES ?x { <http://a\\u0041'''> } SERVICE <http://127.0.0.1:9/> { #'''\n} }",
    "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { ?s ?p <http://a\\u0041/VALUES> { SERVICE: {} } }",
    "PREFIX order: <http://o/> PREFIX : <http://127.0.0.1:9/> SELECT * WHERE"
    " { ?s order:p ( ?a <http://x/VALUES> ) . { SERVICE:x {} } }",
    "PREFIX servicx: <http://a/> PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { ?s ?p ?o ~ service: {} }",
    "PREFIX SERVICX: <http://u/> PREFIX : <http://127.0.0.1:9/> ASK{?s ?p ?o~SERVICE:{}}",
    "PREFIX servicx: <http://a/> PREFIX : <http://127.0.0.1:9/> ASK { ?s ?p ?o ~ service:SILENT {} }",
    # a fourth: one dot group in a local name (ex:a.b.FILTER is ex:a.b, '.', FILTER), a comment
    # that ends at a newline inside VALUES data (which the remote check used to drop), and a
    # declared prefix named FILTER that pyoxigraph still reads as the keyword
    "PREFIX ex: <http://x/> ASK { { ?s ?p ex:a.b.FILTER(1<2)#>VALUES?x{\n} ?s ?p ex:a.b.SERVICE"
    " <http://127.0.0.1:9/> {} OPTIONAL {\n}}",
    "PREFIX ex: <http://x/> ASK { { ?s ?p ex:a.b.BIND(1<2/(1)AS?x)#>VALUES?y{\n} ?s ?p"
    " ex:a.b.SERVICE <http://127.0.0.1:9/> {} OPTIONAL {\n}}",
    "PREFIX ex: <http://x/> ASK { ?s ?p ex:a.b.FILTER(1<2)SERVICE#>\n<http://127.0.0.1:9/> {} }",
    "PREFIX FILTER: <http://www.w3.org/2001/XMLSchema#> PREFIX : <http://www.w3.org/2001/XMLSchema#>"
    " ASK { FILTER:boolean(1<2)SERVICE#>\n<http://127.0.0.1:9/> {} }",
]
ALLOWED = [
    "SELECT * WHERE { ?s <http://example.org/service> ?o }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o < <http://example.org/service>) }",
    "PREFIX schema: <http://schema.org/> SELECT * WHERE { ?s schema:serviceType ?o }",
    "SELECT ?service WHERE { ?service ?p 'customer SERVICE desk' } # SERVICE <x> {}",
    "SELECT * WHERE { ?s ?p (1 <http://a'>) } # '",
    "SELECT * WHERE { ?s ?p ?o } ORDER BY ?o <http://example.org/service>(?s)",
    "SELECT * WHERE { ?s ?p 'x'^^<http://example.org/service#t> FILTER(1<2) }",
    "SELECT * WHERE { VALUES (?a ?b) { (<http://a/service#> 1) } FILTER(?b<2) }",
    "SELECT * WHERE { ?s ?p \"\"\"a 'service' \" \"\"\" }",
    "PREFIX myservice: <http://example.org/> SELECT * WHERE { ?s myservice:p ?o }",
    "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT * { ?s a sd:Service }",
    "SELECT * WHERE { ?s ?p \"\\u0022 SERVICE <http://127.0.0.1:9/> {} \\u0022\" }",
    "SELECT * WHERE { ?s ?p 'x'@en-service }",
    "SELECT * WHERE { ?s <http://x/\\u0041service> ?o }",
    "SELECT * WHERE { ?s ?p ?service BIND(1 AS ?servicx) }",
    "SELECT ?service ?servicx WHERE { }",
    "PREFIX order: <http://o/> SELECT * WHERE { ?s order:p ( ?a <http://x/service#> ) }",
    "PREFIX ex: <http://x/> ASK { ?s ?p ex:a.b.FILTER(1<2)#>SERVICE\n}",
]


def parses(query: str) -> bool:
    try:
        EMPTY.query(query)
    except SyntaxError:
        return False
    except Exception:  # parsed, then failed evaluating (unsupported function, port 9, ...)
        return True
    return True


def holds_service_keyword(query: str) -> bool | None:
    """True/False by the oracle above; None when pyoxigraph rejects the query anyway."""
    if not parses(query):
        return None
    # a replacement found nowhere in the query, so it cannot meet a name the query declares
    word = next(w for w in ("servicz", "servicq", "servicj") if w not in query.lower())
    return not parses(re.sub("(?i)servic(e)", lambda m: m.group(0)[:6] + word[6], query))


def job(query: str) -> dict:
    return {"query": query, "base_iri": None, "default_graphs": None, "named_graphs": None,
            "results_format": "json", "graph_format": "nt", "max_rows": 1000,
            "max_bytes": 2**20, "max_memory": 0}


def refused(query: str) -> str | None:
    """What our checks say, in the order the server makes them: the web layer's lexical
    check, then the query process's (evaluation on an empty store if both let it pass)."""
    try:
        protocol.refuse_unsafe(query)
    except BadRequest as exc:
        return exc.message
    reply = evaluation.evaluate(ox.Store(), ox, {}, job(query))
    return reply[1] if reply[0] == "refused" else None


@pytest.mark.parametrize("query", REPRODUCERS)
def test_the_red_team_bypasses_are_refused_naming_federation(query):
    assert holds_service_keyword(query) is True
    message = refused(query)
    assert message is not None and "federation is off" in message


@pytest.mark.parametrize("query", ALLOWED)
def test_service_inside_iris_strings_comments_and_names_is_not_refused(query):
    assert holds_service_keyword(query) is False
    assert refused(query) is None


GLUE = st.sampled_from([" ", "", "\n", "#>\n", "#'\n", '#"\n', "# SERVICE <x> {\n", "\t"])
OPERAND = st.sampled_from(["1", "?x", "'a # > service'", '"<2)"', "<http://ex/service#>",
                           "ex:service", "STR(?x)", "true", "'''x'y'''", "1.5e0", "<http://a'>"])
OPERATOR = st.sampled_from(["<", "<=", ">", "=", "!=", "*", "+", "&&", "||"])
TERM = st.sampled_from(["?s", "?service", "<http://ex/service>", "ex:service", "'svc#'",
                        "<http://a'>", "<http://b#>", "1", "[]", "(1 <http://c#>)", "a"])


@st.composite
def expression(draw, depth: int = 0) -> str:
    glue = draw(GLUE)
    shape = draw(st.sampled_from(["op", "op", "paren", "not", "in"] if depth < 2 else ["op"]))
    if shape == "op":
        return draw(OPERAND) + glue + draw(OPERATOR) + draw(GLUE) + draw(OPERAND)
    if shape == "paren":
        return "(" + draw(expression(depth + 1)) + ")"
    if shape == "not":
        return "!" + glue + "(" + draw(expression(depth + 1)) + ")"
    return draw(OPERAND) + " IN (" + draw(OPERAND) + "," + glue + draw(OPERAND) + ")"


@st.composite
def element(draw, depth: int = 0) -> str:
    kinds = ["triple", "filter", "filter", "bind", "service", "service"]
    if depth < 2:
        kinds += ["group", "optional", "union", "exists"]
    kind = draw(st.sampled_from(kinds))
    glue = draw(GLUE)
    if kind == "triple":
        return draw(TERM) + " " + draw(TERM) + glue + " " + draw(TERM) + " ."
    if kind == "filter":
        return "FILTER" + glue + "(" + draw(expression()) + ")"
    if kind == "bind":
        return "BIND(" + draw(expression()) + glue + " AS ?b" + str(draw(st.integers(0, 9))) + ")"
    if kind == "service":
        keyword = draw(st.sampled_from(["SERVICE", "service", "SeRvIcE", "trueSERVICE"]))
        target = draw(st.sampled_from([ENDPOINT, ":", ":x", "?e"]))
        silent = draw(st.sampled_from(["", " SILENT", "\nsilent"]))
        return keyword + glue + silent + draw(GLUE) + " " + target + " " + draw(group(depth + 1))
    if kind == "exists":
        negated = draw(st.sampled_from(["", "NOT "]))
        return "FILTER(" + negated + "EXISTS " + draw(group(depth + 1)) + ")"
    body = draw(group(depth + 1))
    if kind == "optional":
        return "OPTIONAL" + glue + body
    if kind == "union":
        return body + glue + "UNION" + draw(GLUE) + draw(group(depth + 1))
    return body


@st.composite
def group(draw, depth: int = 0) -> str:
    parts = draw(st.lists(element(depth), max_size=4))
    return "{" + "".join(draw(GLUE) + part for part in parts) + draw(GLUE) + "}"


@st.composite
def fragment_soup(draw) -> str:
    prefix, suffix = draw(st.sampled_from(CONTEXTS))
    parts = draw(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=14))
    return prefix + draw(st.sampled_from(["", " ", "\n"])).join(parts) + suffix


@st.composite
def structured_query(draw) -> str:
    form = draw(st.sampled_from(["SELECT * WHERE", "ASK", "CONSTRUCT { ?s ?p ?o } WHERE",
                                 "SELECT * WHERE { SELECT * WHERE"]))
    tail = " }" if form.endswith("{ SELECT * WHERE") else ""
    order = ""
    if form == "SELECT * WHERE":
        order = draw(st.sampled_from(["", " ORDER BY ?x <http://ex/service>(?y)",
                                      " ORDER BY (?x<2)", " GROUP BY ?x HAVING(?x<2)"]))
    return PROLOGUE + form + " " + draw(group()) + tail + order


def generated_query() -> st.SearchStrategy[str]:
    return st.one_of(structured_query(), structured_query(), fragment_soup())


SERVICE_EXAMPLES = [
    PROLOGUE + "SELECT * WHERE { FILTER(1<2)SERVICE#>\nSILENT " + ENDPOINT + " {} }",
    PROLOGUE + "SELECT * WHERE { ?s ?p trueSERVICE " + ENDPOINT + " {} }",
    PROLOGUE + "SELECT * WHERE { ?s ?p ex:a.SERVICE " + ENDPOINT + " {} }",
]


def test_refused_exactly_when_pyoxigraph_reads_a_service_keyword():
    seen = {True: 0, False: 0, None: 0}

    @settings(max_examples=2000, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(st.sampled_from(SERVICE_EXAMPLES), generated_query()))
    def check(query):
        truth = holds_service_keyword(query)
        seen[truth] += 1
        if truth is None:
            return  # pyoxigraph rejects it: whatever we answer, nothing is evaluated
        message = refused(query)
        if truth:
            assert message is not None, f"SERVICE not refused: {query!r}"
        else:
            assert message is None, f"refused needlessly: {query!r}"

    check()
    # the oracle must see both outcomes in bulk, or the property proves little
    assert seen[True] > 100 and seen[False] > 100, seen


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections made to it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            connection, _ = self.socket.accept()
            self.connections += 1
            connection.close()


@pytest.fixture(scope="module")
def listener():
    return Listener()


def test_nothing_the_checks_let_through_reaches_the_network(listener):
    """The ground truth: whatever passes both checks is evaluated by pyoxigraph with every
    SERVICE target pointing at the listener, which must see no connection (and sees one for
    each of the controls, which skip the checks)."""
    endpoint = f"<http://127.0.0.1:{listener.port}/>"

    def aimed(query: str) -> str:
        return query.replace("<http://127.0.0.1:9/>", endpoint).replace(
            "<http://127.0.0.1:18999/>", endpoint)

    control = aimed(f"SELECT * WHERE {{ SERVICE {ENDPOINT} {{}} }}")
    before = listener.connections
    with contextlib.suppress(OSError):
        list(ox.Store().query(control))
    time.sleep(0.05)
    assert listener.connections > before, "the control query did not reach the listener"
    passed = {"refused": 0, "evaluated": 0}

    @settings(max_examples=1500, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(st.sampled_from(REPRODUCERS), generated_query()))
    def check(query):
        query = aimed(query)
        seen = listener.connections
        passed["refused" if refused(query) is not None else "evaluated"] += 1
        assert listener.connections == seen, f"reached the network: {query!r}"

    check()
    time.sleep(0.05)
    assert passed["refused"] > 100 and passed["evaluated"] > 100, passed


NESTINGS = {
    "groups": lambda n: "SELECT * WHERE " + "{" * n + "}" * n,
    "exists": lambda n: "SELECT * WHERE {" + " FILTER(EXISTS {" * (n // 2) + "}) " * (n // 2) + "}",
    "brackets": lambda n: "SELECT * WHERE { FILTER(" + "(" * (n - 1) + "1" + ")" * (n - 1) + ") }",
    "negations": lambda n: "SELECT * WHERE { FILTER(" + "!" * (n - 1) + "true) }",
    "paths": lambda n: "SELECT * WHERE { ?s " + "(" * n + "<http://p>" + ")" * n + " ?o }",
    "blank nodes": lambda n: "SELECT * WHERE { ?s ?p " + "[ ?p " * n + "1" + "]" * n + " }",
    "collections": lambda n: "SELECT * WHERE { ?s ?p " + "( " * n + "1" + ")" * n + " }",
    "subqueries": lambda n: "SELECT * WHERE " + "{ SELECT * WHERE " * (n // 2) + "{}" + "}" * (n // 2),
    "calls": lambda n: "SELECT * WHERE { FILTER(" + "STR(" * (n - 1) + "1" + ")" * (n - 1) + ") }",
    "triple terms": lambda n: "SELECT * WHERE { ?s ?p " + "<< ?s ?p " * n + "1" + " >>" * n + " }",
}


@pytest.mark.parametrize("kind", sorted(NESTINGS))
def test_pyoxigraph_survives_every_nesting_the_limit_lets_through(kind):
    query = NESTINGS[kind](protocol.MAX_NESTING)
    assert lexer.max_depth(query) <= protocol.MAX_NESTING + 1
    code = "import sys, pyoxigraph as ox\ntry:\n    list(ox.Store().query(sys.stdin.read()))\n" \
           "except Exception:\n    pass\n"
    run = subprocess.run([sys.executable, "-c", code], input=query.encode(), timeout=120)
    assert run.returncode == 0, f"pyoxigraph died on {kind} at the limit"


@pytest.mark.parametrize("query", ["SELECT * WHERE " + "{" * 2500 + "}" * 2500,
                                   "SELECT * WHERE { ?s " + "!" * 20000 + "<http://p> ?o }",
                                   "SELECT * WHERE { ?s " + "(" * 20000 + "<p>" + ")" * 20000 + "?o }",
                                   "SELECT * { ?s ?p " + "<< ?s ?p " * 1000 + "1" + " >>" * 1000 + "}"])
def test_deep_nesting_is_refused_with_a_sentence(query):
    message = refused(query)
    assert message is not None and "nests" in message and str(protocol.MAX_NESTING) in message


def test_the_tokens_add_up_to_the_query():
    query = REPRODUCERS[0] + " 'a\\'b' \"\"\"x\"y\"\"\" ?v $w _:b ex:a\\.b 1.5e3 @de-DE ^^ <<( )>>"
    assert "".join(t.text for t in lexer.tokens(query)) == query
    kinds = {t.text: t.kind for t in lexer.tokens("FILTER(1<2)SERVICE#>\n")}
    assert kinds["<"] == "op" and kinds["SERVICE"] == "word" and kinds["#>"] == "comment"


def test_the_remote_backends_parse_never_reaches_the_network(listener):
    """The remote backend parses every query with pyoxigraph in the server process
    (sparql_rewrite.check_standard): it parses the disarmed copy, and reads the text with its
    \\u escapes decoded too, as a store that decodes them before parsing would."""
    from metrograph.store import remote_rewrite

    endpoint = f"<http://127.0.0.1:{listener.port}/>"
    seen = listener.connections
    for query in [f"PREFIX ex: <http://x/> SELECT * WHERE {{ ?s ?p ex:.SERVICE {endpoint} {{}} }}",
                  f"ASK {{ ?s ?p trueSERVICE {endpoint} {{}} }}",
                  f'SELECT * WHERE {{ ?s ?p "\\u0022 . SERVICE {endpoint} {{}} #" }}']:
        with pytest.raises(BadRequest, match="federation is off"):
            remote_rewrite.check_standard(query)
    for query in REPRODUCERS:  # each refused (or not parsed), none fetched
        aimed = query.replace("<http://127.0.0.1:9/>", endpoint).replace(
            "<http://127.0.0.1:18999/>", endpoint)
        with pytest.raises((BadRequest, SyntaxError)):
            protocol.refuse_unsafe(aimed)
            remote_rewrite.check_standard(aimed)
    time.sleep(0.05)
    assert listener.connections == seen
    # the embedded store reads \u escapes only inside strings: that last one is a plain string
    assert refused('SELECT * WHERE { ?s ?p "\\u0022 . SERVICE <http://127.0.0.1:9/> {} #" }') is None
