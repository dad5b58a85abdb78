"""A remote SPARQL 1.1 store (Virtuoso, Fuseki, QLever, GraphDB, …) behind the same interface
as the embedded pyoxigraph store.

:class:`RemoteStore` offers the part of ``pyoxigraph.Store`` the server uses —
``query(...)``, ``quads_for_pattern(...)``, ``contains_named_graph(...)`` — and answers with
pyoxigraph objects parsed from the remote answers, so the engine's caps, serializers and the
entity pages run unchanged. Every difference between stores is handled here:

* **Dataset.** The live data sits in the named graphs of the release plus one graph holding
  their set-union (:data:`DEFAULT_GRAPH`, the embedded store's default graph). Unless the
  request or the query names its own dataset, every query is sent with that union as its
  default graph and exactly the release's named graphs, so ``GRAPH ?g`` never sees the store's
  own system graphs, staging copies or our bookkeeping graph (:data:`META_GRAPH`).
* **DESCRIBE** is implementation-defined. Oxigraph answers with the outgoing triples of each
  described resource; other stores add incoming triples or closures. A DESCRIBE is therefore
  rewritten: the described resources are selected with the query's own WHERE clause, then
  their outgoing triples are fetched.
* **Substitutions** (typed parameters) become a ``VALUES`` block at the start of the WHERE
  group.
* **Extensions** are refused: a query must be standard SPARQL 1.1 (it is parsed by pyoxigraph
  first) and may not call into the store's own function namespaces (``bif:``, ``sql:``).
* **Results** are requested in standard formats and re-serialized by pyoxigraph, so clients
  get the same bytes as from the embedded store. A store that reports a time-out inside a
  successful answer (Virtuoso's "anytime" partial results) is treated as a time-out.

The text rewriting itself (DESCRIBE, parameters, datasets, BASE, the WKT stand-in, the
standard-SPARQL check) is in :mod:`metrograph.store.remote_rewrite`.

Only the query endpoint is used for reading; the update and Graph Store Protocol endpoints
(with credentials) are used by :mod:`metrograph.store.publish` alone.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from metrograph.errors import BadRequest, ConfigError, ServiceUnavailable, StoreError
from metrograph.sparql import protocol
from metrograph.sparql.parse_process import ParseChecker
from metrograph.store.remote_rewrite import (
    WKT,
    WKT_STAND_IN,
    bind_values,
    check_standard,
    describe_as_select,
    from_graphs,
    split_base,
    with_stand_ins,
    without_dataset_clauses,
)

__all__ = ["DEFAULT_GRAPH", "META_GRAPH", "RemoteStore", "RemoteTimeout", "RemoteUnavailable",
           "staging_graph"]

#: The set-union of the release's named graphs (the embedded store's default graph).
DEFAULT_GRAPH = "urn:x-metrograph:default"
#: Bookkeeping: which release is live, which came before, which named graphs it has.
META_GRAPH = "urn:x-metrograph:meta"
META_SUBJECT = "urn:x-metrograph:store"
META_RELEASE = "urn:x-metrograph:release"
META_PREVIOUS = "urn:x-metrograph:previousRelease"
META_GRAPHS = "urn:x-metrograph:namedGraph"
#: Stands for an empty default graph (a protocol dataset that lists only named graphs).
EMPTY_GRAPH = "urn:x-metrograph:empty"

SELECT_TYPE = "application/sparql-results+xml"
GRAPH_TYPE = "application/n-triples"
_RDF_TYPES = {"application/n-triples": ox.RdfFormat.N_TRIPLES,
              "text/plain": ox.RdfFormat.N_TRIPLES,
              "text/turtle": ox.RdfFormat.TURTLE,
              "application/rdf+xml": ox.RdfFormat.RDF_XML,
              "application/n-quads": ox.RdfFormat.N_QUADS}
_RESULT_TYPES = {"application/sparql-results+xml": ox.QueryResultsFormat.XML,
                 "application/sparql-results+json": ox.QueryResultsFormat.JSON,
                 "text/tab-separated-values": ox.QueryResultsFormat.TSV}
#: A remote answer may be this many times larger than our own serialization limit.
RAW_SIZE_FACTOR = 4


class RemoteTimeout(ServiceUnavailable):
    """The store did not answer within the time limit (or said it stopped early)."""

    def __init__(self, message: str) -> None:
        super().__init__(message + "; simplify the query or add a LIMIT", {"Retry-After": "5"})


class RemoteUnavailable(ServiceUnavailable):
    """The store could not be reached or failed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, {"Retry-After": "5"})


def staging_graph(release_id: str, graph: str) -> str:
    """Where ``graph`` of a release waits before it goes live (and stays for a roll-back)."""
    return f"urn:x-metrograph:release:{release_id}:{graph}"


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


class RemoteStore:
    """Read access to a remote SPARQL endpoint, shaped like a read-only ``pyoxigraph.Store``."""

    def __init__(self, query_url: str, *, timeout: float = 10.0, max_bytes: int = 50_000_000,
                 named_graphs: Sequence[str] = ()) -> None:
        if not query_url.startswith(("http://", "https://")):
            raise ConfigError("METROGRAPH_REMOTE_QUERY_URL must be an http(s) URL of a SPARQL "
                              f"endpoint, not {query_url!r}")
        self.query_url = query_url
        self.timeout = timeout
        self.max_raw_bytes = max_bytes * RAW_SIZE_FACTOR
        self.named_graphs = tuple(named_graphs)
        self._local = threading.local()
        #: pyoxigraph parses each query first, in checking processes under the same time limit
        self.checker = ParseChecker(timeout=timeout)

    # -- pyoxigraph.Store's reading interface --

    def query(self, query: str, *, prefixes: dict[str, str] | None = None,
              base_iri: str | None = None, default_graph: Sequence[Any] | None = None,
              named_graphs: Sequence[Any] | None = None,
              substitutions: dict[Any, Any] | None = None,
              use_default_graph_as_union: bool = False) -> Any:
        """Evaluate ``query`` remotely: ``QuerySolutions``, ``QueryBoolean`` or triples."""
        del use_default_graph_as_union  # the union is materialized; see the module docstring
        check_standard(query, prefixes, base_iri, self.checker)
        bases, query = split_base(query)
        if not bases and base_iri:
            bases = [f"<{base_iri}>"]
        # BASE first: Virtuoso refuses a BASE after a PREFIX (SPARQL allows either order)
        prologue = "".join(f"BASE {iri}\n" for iri in bases) + "".join(
            f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or {}).items())
        text = with_stand_ins(prologue + query)
        if substitutions:
            text = bind_values(text, substitutions)
        dataset = self._dataset(text, default_graph, named_graphs)
        if default_graph is not None or named_graphs is not None:
            text = without_dataset_clauses(text)  # the protocol's dataset replaces FROM
        form = protocol.query_form(text)
        if form == "DESCRIBE":
            return self._describe(text, dataset)
        if form == "CONSTRUCT":
            return self._graph(text, dataset)
        result = self._results(text, dataset)
        if form == "ASK" and isinstance(result, ox.QuerySolutions):
            # Virtuoso answers ASK as a table: one row ``__ASK_RETVAL`` = 1, or no row
            answer = any(value is not None and value.value not in {"0", "false"}
                         for row in result for value in row)
            return ox.parse_query_results(
                b'{"head": {}, "boolean": ' + (b"true" if answer else b"false") + b"}",
                format=ox.QueryResultsFormat.JSON)
        return result

    def quads_for_pattern(self, subject: Any = None, predicate: Any = None, obj: Any = None,
                          graph_name: Any = None) -> Iterator[ox.Quad]:
        """Quads of the live release matching the pattern; ``None`` matches anything, the
        union graph comes back as ``DefaultGraph`` (as in the embedded store)."""
        if isinstance(graph_name, ox.DefaultGraph):
            graphs: tuple[str, ...] = (DEFAULT_GRAPH,)
        elif graph_name is None:
            graphs = (*self.named_graphs, DEFAULT_GRAPH)
        else:
            graphs = (graph_name.value,)
        terms = [t if t is not None else ox.Variable(v)
                 for t, v in ((subject, "s"), (predicate, "p"), (obj, "o"))]
        pattern = " ".join(str(t) for t in terms)
        text = f"SELECT * WHERE {{ GRAPH ?g {{ {pattern} }} }}"
        rows = self._results(text, ((EMPTY_GRAPH,), graphs))
        out = []
        for row in rows:
            s, p, o = (row[v] if t is None else t
                       for t, v in ((subject, "s"), (predicate, "p"), (obj, "o")))
            g = row["g"].value
            out.append(ox.Quad(s, p, o, ox.DefaultGraph() if g == DEFAULT_GRAPH
                               else ox.NamedNode(g)))
        return iter(out)

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return graph.value in self.named_graphs

    # -- the protocol --

    def _dataset(self, text: str, default_graph: Sequence[Any] | None,
                 named_graphs: Sequence[Any] | None) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        if default_graph is not None or named_graphs is not None:
            defaults = tuple(_iri(g) for g in default_graph or ())
            return (defaults or (EMPTY_GRAPH,), tuple(_iri(g) for g in named_graphs or ()))
        if protocol.has_dataset_clause(text):
            return None  # the query's own FROM / FROM NAMED
        return ((DEFAULT_GRAPH,), self.named_graphs or (EMPTY_GRAPH,))

    def _results(self, text: str, dataset: Any) -> Any:
        content_type, body = self.post(text, dataset, SELECT_TYPE)
        fmt = _RESULT_TYPES.get(content_type)
        if fmt is None:
            raise RemoteUnavailable(f"the store answered a query with {content_type!r}, "
                                    "not SPARQL results")
        return ox.parse_query_results(body, format=fmt)

    def _graph(self, text: str, dataset: Any) -> list[ox.Triple]:
        content_type, body = self.post(text, dataset, GRAPH_TYPE)
        fmt = _RDF_TYPES.get(content_type)
        if fmt is None:
            raise RemoteUnavailable(f"the store answered a graph query with {content_type!r}")
        return [ox.Triple(q.subject, q.predicate, q.object) if isinstance(q, ox.Quad) else q
                for q in ox.parse(body, format=fmt)]

    def _describe(self, text: str, dataset: Any) -> list[ox.Triple]:
        resources: dict[str, None] = {}  # in order, each once
        for row in self._results(describe_as_select(text), dataset):
            for value in row:
                if isinstance(value, ox.NamedNode):
                    resources.setdefault(value.value)
        if not resources:
            return []
        values = " ".join(f"<{iri}>" for iri in resources)
        # the outgoing triples in the default graph the DESCRIBE was evaluated against
        defaults = dataset[0] if dataset else (from_graphs(text) or (DEFAULT_GRAPH,))
        return self._graph("CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { " + values
                           + " } ?s ?p ?o }", (defaults, ()))

    def _connection(self) -> http.client.HTTPConnection:
        """This thread's kept-alive connection to the store (a new one per request would
        cost a TCP handshake each: entity pages make dozens of lookups)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            url = urllib.parse.urlsplit(self.query_url)
            kind = http.client.HTTPSConnection if url.scheme == "https" else \
                http.client.HTTPConnection
            connection = kind(url.hostname or "", url.port, timeout=self.timeout)
            self._local.connection = connection
        return connection

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        self._drop_connection()

    def __del__(self) -> None:
        self._drop_connection()

    def _drop_connection(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def post(self, text: str, dataset: Any, accept: str) -> tuple[str, bytes]:
        """POST a query (form-encoded) with the dataset; the answer's media type and body."""
        fields = [("query", text)]
        if dataset is not None:
            fields += [("default-graph-uri", g) for g in dataset[0]]
            fields += [("named-graph-uri", g) for g in dataset[1]]
        payload = urllib.parse.urlencode(fields).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        url = urllib.parse.urlsplit(self.query_url)
        path = url.path + ("?" + url.query if url.query else "")
        deadline = time.monotonic() + self.timeout
        try:
            for attempt in range(2):
                try:
                    connection = self._connection()
                    connection.request("POST", path or "/", body=payload, headers=headers)
                    response = connection.getresponse()
                    break
                except (ConnectionError, http.client.RemoteDisconnected,
                        http.client.CannotSendRequest, http.client.BadStatusLine):
                    self._drop_connection()  # a kept-alive connection the store had closed
                    if attempt:
                        raise
            return self._answer(response, deadline)
        except TimeoutError:
            self._drop_connection()
            raise RemoteTimeout(
                f"the query ran longer than the limit of {self.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:
            self._drop_connection()
            raise RemoteUnavailable(f"the store at {self.query_url} is unreachable: "
                                    f"{exc}") from None
        except BaseException:
            self._drop_connection()  # an answer left unread: the connection is unusable
            raise

    def _answer(self, response: http.client.HTTPResponse, deadline: float) -> tuple[str, bytes]:
        if response.status >= 400:
            detail = response.read(4000).decode("utf-8", "replace").strip()
            self._drop_connection()
            if response.status in (400, 406, 414, 415):
                raise SyntaxError(f"the store refused the query: {detail}")
            if response.status in (408, 503, 504) or "timeout" in detail.lower():
                raise RemoteTimeout(f"the store gave up on the query: {detail[:300]}")
            raise RemoteUnavailable(f"the store answered {response.status}: {detail[:300]}")
        body = _read_capped(response, deadline, self.max_raw_bytes)
        state = response.headers.get("X-SQL-State")
        if state:  # Virtuoso: an "anytime" answer cut short at its own time limit
            raise RemoteTimeout(f"the store stopped the query early ({state}: "
                                f"{response.headers.get('X-SQL-Message', '')})")
        cut = response.headers.get("X-SPARQL-MaxRows")
        if cut:  # Virtuoso: ResultSetMaxRows reached, the answer may be cut short
            raise BadRequest(f"the result reaches the store's limit of {cut} rows; "
                             "narrow the query (LIMIT/OFFSET) or use the dumps")
        return _media_type(response.headers.get("Content-Type")), _from_store(body)


def _from_store(body: bytes) -> bytes:
    """Undo what the store does to values: the WKT stand-in goes back to ``geo:wktLiteral``;
    Virtuoso's blank nodes ``nodeID://b1`` (not a valid blank node id) become ``b1``."""
    return body.replace(WKT_STAND_IN.encode(), WKT.encode()).replace(b"nodeID://", b"")


def _read_capped(response: Any, deadline: float, limit: int) -> bytes:
    parts, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise RemoteTimeout("the store's answer did not arrive within the time limit")
        chunk = response.read(1 << 16)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > limit:
            raise BadRequest(f"the result is larger than the limit of {limit} bytes")
        parts.append(chunk)


def _iri(graph: Any) -> str:
    return graph.value if isinstance(graph, ox.NamedNode) else str(graph)


@dataclass(frozen=True)
class LiveRelease:
    """What the store serves now, according to its bookkeeping graph."""

    release_id: str
    previous_id: str | None
    named_graphs: tuple[str, ...]


def read_live(store: RemoteStore) -> LiveRelease | None:
    """The live release recorded in :data:`META_GRAPH` (None: nothing published yet)."""
    rows = list(store._results(
        f"SELECT ?p ?o WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_SUBJECT}> ?p ?o }} }}",
        ((EMPTY_GRAPH,), (META_GRAPH,))))
    release, previous, graphs = None, None, []
    for row in rows:
        predicate, value = row["p"].value, row["o"].value
        if predicate == META_RELEASE:
            release = value
        elif predicate == META_PREVIOUS:
            previous = value
        elif predicate == META_GRAPHS:
            graphs.append(value)
    if release is None:
        return None
    return LiveRelease(release, previous, tuple(sorted(graphs)))


def check_reachable(store: RemoteStore) -> None:
    """StoreError with a readable reason unless the endpoint answers a trivial query."""
    try:
        store.post("ASK {}", None, SELECT_TYPE)
    except ServiceUnavailable as exc:
        raise StoreError(str(exc)) from None
