"""``metrograph publish``: load a built release into a remote SPARQL store, then switch.

1. **Stage.** Each graph of the release (its named graphs and the materialized union, which
   serves as the default graph) goes into a staging graph of its own
   (:func:`metrograph.store.remote.staging_graph`): uploaded with the Graph Store Protocol in
   chunks, streamed from ``release.nq``; or, on Virtuoso with a shared load directory
   (``remote_load_dir``), written there once as gzipped N-Quads and read by its bulk loader
   (:mod:`metrograph.store.virtuoso_sql`). Readers never see staging graphs: the server queries
   the live graphs only.
2. **Verify.** The store must hold exactly as many triples in each staging graph as the
   release has; otherwise publishing stops and the live graphs are untouched.
3. **Switch.** Every staging graph is copied over its live graph, live graphs the release no
   longer has are dropped and the bookkeeping graph (:data:`metrograph.store.remote.META_GRAPH`:
   live release, previous release, named graphs) is rewritten, in one transaction: one SQL
   stored procedure on Virtuoso (``remote_isql``; its SPARQL updates over HTTP are applied
   row by row), else one SPARQL Update request, atomic on stores that run a request as one
   transaction. Readers go from the old release to the new one at once.
4. **Keep one back.** The previous release's staging graphs stay, so ``publish --rollback``
   switches back without uploading; older staging graphs are dropped.

A publish interrupted before step 3 leaves readers on the old release (run it again: staging
graphs are replaced, not appended to).
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from metrograph.errors import ConfigError, MetrographError, StoreError
from metrograph.release import folders
from metrograph.store import remote, remote_rewrite, virtuoso_sql

#: Seconds one upload, count or switch request may take.
ADMIN_TIMEOUT = 600.0

Progress = Callable[[str], None]


class Admin:
    """Write access to the store: SPARQL Update and the Graph Store Protocol, with credentials."""

    def __init__(self, settings: dict[str, Any]) -> None:
        for name in ("remote_query_url", "remote_update_url", "remote_gsp_url"):
            if not settings.get(name):
                raise ConfigError(f"publish needs METROGRAPH_{name.upper()}")
        self.update_url = settings["remote_update_url"]
        self.gsp_url = settings["remote_gsp_url"]
        self.reader = remote.RemoteStore(settings["remote_query_url"], timeout=ADMIN_TIMEOUT,
                                         max_bytes=2**30)
        #: Virtuoso's SQL port (host:port): switch releases in one SQL transaction
        self.isql_address = settings.get("remote_isql", "")
        self.isql_user = settings.get("remote_isql_user", "dba")
        self.isql_password = settings.get("remote_isql_password", "")
        #: a directory Virtuoso reads too: stage with its bulk loader
        self.load_dir = settings.get("remote_load_dir", "")
        if self.load_dir and not self.isql_address:
            raise ConfigError("METROGRAPH_REMOTE_LOAD_DIR needs METROGRAPH_REMOTE_ISQL (the "
                              "bulk loader is started over Virtuoso's SQL port)")
        if self.load_dir and not Path(self.load_dir).is_dir():
            raise ConfigError(f"METROGRAPH_REMOTE_LOAD_DIR {self.load_dir!r} is not a directory")
        self.chunk_bytes = max(1, int(settings.get("publish_chunk_bytes", 8 * 2**20)))
        self.user = settings.get("remote_user", "")
        self.password = settings.get("remote_password", "")
        self._opener = urllib.request.build_opener()
        self._challenge: dict[str, str] | None = None

    def _authorize(self, request: urllib.request.Request, fresh: bool = False) -> None:
        """Credentials sent with the request itself, never after a 401: a store that refuses
        an unauthenticated upload closes the connection while megabytes are still on their
        way. The Digest challenge is fetched once with an empty request and reused."""
        if not self.user:
            return
        if self._challenge is None or fresh:
            self._challenge = _challenge(self._opener, self.gsp_url)
        scheme = self._challenge.get("scheme", "basic")
        if scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            request.add_unredirected_header("Authorization", "Basic " + token)
            return
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, request.full_url, self.user, self.password)
        digest = urllib.request.HTTPDigestAuthHandler(passwords)
        value = digest.get_authorization(request, self._challenge)
        if value:
            request.add_unredirected_header("Authorization", "Digest " + value)

    def _send(self, request: urllib.request.Request, what: str) -> None:
        for attempt in range(2):
            self._authorize(request, fresh=attempt > 0)
            try:
                with self._opener.open(request, timeout=ADMIN_TIMEOUT) as response:
                    response.read()
                return
            except urllib.error.HTTPError as exc:
                detail = exc.read(2000).decode("utf-8", "replace").strip()
                if exc.code == 401 and attempt == 0 and self.user:
                    continue  # the nonce went stale: fetch a new challenge once
                hint = " (check METROGRAPH_REMOTE_USER/PASSWORD)" if exc.code in (401, 403) \
                    else ""
                raise StoreError(f"{what} failed: the store answered {exc.code}{hint}: "
                                 f"{detail[:500]}") from None
            except (urllib.error.URLError, OSError) as exc:
                raise StoreError(f"{what} failed: {getattr(exc, 'reason', exc)}") from None

    def isql(self, script: str, what: str, timeout: float | None = ADMIN_TIMEOUT) -> str:
        """Run SQL statements (one per line) on Virtuoso's SQL port; their output."""
        return virtuoso_sql.run_isql(self.isql_address, self.isql_user, self.isql_password,
                                     script, what, timeout)

    def upload(self, graph: str, ntriples: bytes, replace: bool) -> None:
        """PUT (replace) or POST (add) N-Triples into ``graph``."""
        url = self.gsp_url + ("&" if "?" in self.gsp_url else "?") + \
            urllib.parse.urlencode({"graph": graph})
        request = urllib.request.Request(url, data=ntriples, method="PUT" if replace else "POST",
                                         headers={"Content-Type": "text/turtle"})
        self._send(request, f"uploading into <{graph}>")

    def update(self, text: str, what: str) -> None:
        body = urllib.parse.urlencode({"update": text}).encode("utf-8")
        request = urllib.request.Request(
            self.update_url, data=body, method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self._send(request, what)

    def count(self, graphs: list[str]) -> dict[str, int]:
        """Triples per graph, in one query."""
        text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        found = {row["g"].value: int(row["n"].value)
                 for row in self.reader._results(text, ((remote.EMPTY_GRAPH,), tuple(graphs)))}
        return {g: found.get(g, 0) for g in graphs}


def _challenge(opener: urllib.request.OpenerDirector, url: str) -> dict[str, str]:
    """The authentication challenge of an endpoint, from an empty request."""
    try:
        with opener.open(urllib.request.Request(url, method="HEAD"), timeout=30):
            return {"scheme": "basic"}  # no challenge: send Basic (or nothing is needed)
    except urllib.error.HTTPError as exc:
        header = exc.headers.get("WWW-Authenticate", "")
    except (urllib.error.URLError, OSError) as exc:
        raise StoreError(f"the store at {url} is unreachable: "
                         f"{getattr(exc, 'reason', exc)}") from None
    scheme, _, rest = header.partition(" ")
    if scheme.lower() != "digest":
        return {"scheme": "basic"}
    fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
    return {**fields, "scheme": "digest"}


def _release_lines(release: folders.Release) -> Iterator[tuple[str, bytes]]:
    """(live graph, N-Triples line) for every line of ``release.nq``; WKT literals carry the
    stand-in datatype (:data:`metrograph.store.remote_rewrite.WKT_STAND_IN`).

    The lines are cut as bytes, without parsing (a 100× release has 74 M): ``release.nq``
    holds the named-graph quads first, then the union's triples, and the release says how
    many of each; a named line's graph is its last IRI (an IRI holds no ``" <"``). Counting
    every staging graph afterwards catches any line that was cut wrong.
    """
    graphs = _stated_graphs(release) or release_graphs(release)
    named = sum(n for graph, n in graphs.items() if graph != remote.DEFAULT_GRAPH)
    wkt = f"^^<{remote_rewrite.WKT}>".encode()
    stand_in = f"^^<{remote_rewrite.WKT_STAND_IN}>".encode()
    names: dict[bytes, str] = {}
    with (release.path / folders.DUMP_FILENAME).open("rb") as lines:
        for number, line in enumerate(lines):
            line = line.rstrip(b"\n")
            if not line:
                continue
            if number < named:
                cut = line.rindex(b" <")
                iri = line[cut + 2:line.rindex(b">")]
                graph = names.get(iri) or names.setdefault(iri, iri.decode())
                triple = line[:cut]
            else:
                graph, triple = remote.DEFAULT_GRAPH, line[:line.rindex(b" .")]
            if triple.endswith(wkt):
                triple = triple[:-len(wkt)] + stand_in
            yield graph, triple + b" .\n"


def _stage(admin: Admin, release: folders.Release, progress: Progress) -> dict[str, int]:
    """Every graph of the release into its staging graph; triples per live graph."""
    counts = virtuoso_sql.stage_bulk(admin, release.id, _release_lines(release)) \
        if admin.load_dir else _upload(admin, release)
    progress(f"staged {sum(counts.values())} triples in {len(counts)} graphs")
    return counts


def _upload(admin: Admin, release: folders.Release) -> dict[str, int]:
    """The Graph Store Protocol: chunks of N-Triples per graph, the first replacing."""
    counts: dict[str, int] = {}
    buffers: dict[str, list[bytes]] = {}
    sizes: dict[str, int] = {}
    started: set[str] = set()

    def flush(graph: str) -> None:
        admin.upload(remote.staging_graph(release.id, graph), b"".join(buffers.pop(graph, [])),
                     replace=graph not in started)
        started.add(graph)
        sizes[graph] = 0

    for graph, line in _release_lines(release):
        buffers.setdefault(graph, []).append(line)
        sizes[graph] = sizes.get(graph, 0) + len(line)
        counts[graph] = counts.get(graph, 0) + 1
        if sizes[graph] >= admin.chunk_bytes:
            flush(graph)
    for graph in list(buffers):
        flush(graph)
    return counts


def _verify(admin: Admin, release_id: str, expected: dict[str, int]) -> None:
    staged = {remote.staging_graph(release_id, g): n for g, n in expected.items()}
    found = admin.count(list(staged))
    wrong = [f"<{g}>: {found[g]} of {n}" for g, n in staged.items() if found[g] != n]
    if wrong:
        raise StoreError("the store does not hold the staged release completely ("
                         + "; ".join(wrong) + "); the live release is unchanged")


def _switch(admin: Admin, release_id: str, graphs: list[str], live: remote.LiveRelease | None,
            previous: str | None) -> None:
    """Staging graphs over live graphs and the bookkeeping rewritten, all or nothing."""
    named = sorted(g for g in graphs if g != remote.DEFAULT_GRAPH)
    gone = sorted(set(live.named_graphs if live else ()) - set(named))
    facts = [(remote.META_RELEASE, release_id, False)]
    if previous:
        facts.append((remote.META_PREVIOUS, previous, False))
    facts += [(remote.META_GRAPHS, g, True) for g in named]
    if admin.isql_address:
        virtuoso_sql.switch(admin, release_id, sorted(graphs), gone, facts)
    else:
        _switch_sparql(admin, release_id, sorted(graphs), gone, facts)


def _switch_sparql(admin: Admin, release_id: str, graphs: list[str], gone: list[str],
                   facts: list[tuple[str, str, bool]]) -> None:
    """One SPARQL Update request: atomic on stores that run a request as one transaction."""
    ops = [f"DROP SILENT GRAPH <{g}>" for g in gone]
    ops += [f"COPY SILENT <{remote.staging_graph(release_id, g)}> TO <{g}>" for g in graphs]
    triples = [f"<{remote.META_SUBJECT}> <{p}> " + (f"<{o}>" if iri else f'"{o}"')
               for p, o, iri in facts]
    ops.append(f"DROP SILENT GRAPH <{remote.META_GRAPH}>")
    ops.append(f"INSERT DATA {{ GRAPH <{remote.META_GRAPH}> {{ " + " . ".join(triples) + " } }")
    admin.update(" ;\n".join(ops), "switching the live release")


def _prune(admin: Admin, var_dir: Path, old: str, progress: Progress) -> None:
    """Drop the staging graphs of ``old``, the release kept back until now, by name: listing
    the store's graphs reads all of it (that timed out at 100×). Staging graphs left by an
    interrupted publish of another release stay until that release is published."""
    try:
        release = folders.release_by_id(var_dir, old)
    except StoreError:
        progress(f"the staging graphs of release {old} stay: its folder is not in "
                 f"{var_dir / 'releases'}")
        return
    graphs = [remote.staging_graph(old, g) for g in sorted(release_graphs(release))]
    if admin.isql_address:
        admin.isql(virtuoso_sql.clear_sql(graphs), f"dropping the staging graphs of {old}",
                   timeout=None)
    else:
        admin.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs),
                     f"dropping the staging graphs of release {old}")
    progress(f"dropped the staging graphs of release {old}")


def release_graphs(release: folders.Release) -> dict[str, int]:
    """Triples per live graph of a release, the union (:data:`remote.DEFAULT_GRAPH`)
    included: from its metadata, else counted in its dump."""
    graphs = _stated_graphs(release)
    dump = release.path / folders.DUMP_FILENAME
    if graphs:
        if remote.DEFAULT_GRAPH not in graphs:  # the build states its named graphs only
            graphs[remote.DEFAULT_GRAPH] = _line_count(dump) - sum(graphs.values())
        return graphs
    counts: dict[str, int] = {}
    for quad in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS):
        graph = _live_graph(quad)
        counts[graph] = counts.get(graph, 0) + 1
    return counts


def _stated_graphs(release: folders.Release) -> dict[str, int]:
    """Triples per live graph as the release's metadata states them (possibly without the
    union), or {}."""
    return {(g if g.startswith(("http://", "https://", "urn:")) else remote.DEFAULT_GRAPH): n
            for g, n in release.meta.get("counts", {}).get("graphs", {}).items()}


def _line_count(path: Path) -> int:
    """Lines of a file (the last one may lack its line end)."""
    lines, last = 0, b"\n"
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 22), b""):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def _live_graph(quad: ox.Quad) -> str:
    """The store graph a quad of ``release.nq`` goes to (default-graph lines: the union)."""
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) \
        else remote.DEFAULT_GRAPH


def publish(settings: dict[str, Any], release: folders.Release,
            progress: Progress = print) -> str:
    """Make ``release`` the store's live release; returns what happened, in words."""
    admin = Admin(settings)
    live = remote.read_live(admin.reader)
    if live is not None and live.release_id == release.id:
        return f"release {release.id} is already live"
    counts = _stage(admin, release, progress)
    _verify(admin, release.id, counts)
    previous = live.release_id if live else None
    _switch(admin, release.id, sorted(counts), live, previous)
    done = f"release {release.id} is live" + (f" (previous: {previous})" if previous else "")
    dropped = live.previous_id if live else None
    if dropped and dropped not in (release.id, previous):
        try:
            _prune(admin, Path(settings["var_dir"]), dropped, progress)
        except MetrographError as exc:  # the release is live all the same
            progress(f"the staging graphs of release {dropped} stay: {exc}")
    return done


def rollback(settings: dict[str, Any], progress: Progress = print) -> str:
    """Switch the store back to the previous release (its staging graphs are still there)."""
    admin = Admin(settings)
    live = remote.read_live(admin.reader)
    if live is None or not live.previous_id:
        raise StoreError("there is no previous release to roll back to")
    previous = folders.release_by_id(Path(settings["var_dir"]), live.previous_id)
    expected = release_graphs(previous)
    try:
        _verify(admin, previous.id, expected)
    except MetrographError as exc:
        raise StoreError(f"cannot roll back to {previous.id}: {exc}") from None
    _switch(admin, previous.id, sorted(expected), live, live.release_id)
    return f"release {previous.id} is live again (rolled back from {live.release_id})"
