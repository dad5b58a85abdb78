"""Evaluating one query job: what a query process does (and the remote backend, in-process).

A job is a plain dict (query, dataset, formats, caps, typed parameters) so it can be pickled
to a query process. :func:`run_job` evaluates it on a pyoxigraph store or a
:class:`~metrograph.store.remote.RemoteStore`, enforces the row and byte caps while pyoxigraph
serializes, and returns a picklable reply; :func:`serve_jobs` is a query process's loop.
"""

from __future__ import annotations

import os
import threading
from multiprocessing.connection import Connection
from typing import Any

from metrograph.errors import BadRequest, HTTPError
from metrograph.sparql import parse_check, protocol
from metrograph.sparql.formats import BOOLEAN_FORMATS, FORMATS, GRAPH_FORMATS, RESULT_FORMATS

__all__ = ["encode_substitutions", "evaluate", "evaluation_message", "exit_with_parent",
           "isolate_network",
           "run_job", "serve_jobs"]


#: pyoxigraph's TSV result reader holds at most 16 MiB of a line (a margin below it)
_TSV_LINE_LIMIT = 16 * 2**20 - 2**16


class _TooLarge(Exception):
    pass


class _CappedWriter:
    """File-like sink for pyoxigraph's serializers that stops them at the caps."""

    def __init__(self, max_bytes: int, max_lines: int | None = None) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.lines = 0
        self.max_bytes = max_bytes
        self.max_lines = max_lines

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise _TooLarge(f"the result is larger than the limit of {self.max_bytes} bytes")
        if self.max_lines is not None:
            self.lines += data.count(b"\n")
            if self.lines > self.max_lines:
                raise _TooLarge(f"the result has more than {self.max_lines - 1} rows "
                                f"(the limit)")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def isolate_network() -> bool:
    """Enter a new user+network namespace (no interfaces but a downed loopback). Best effort."""
    if not hasattr(os, "getuid"):  # pragma: no cover - not POSIX
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        clone_newuser, clone_newnet = 0x10000000, 0x40000000
        uid, gid = os.getuid(), os.getgid()
        if libc.unshare(clone_newuser | clone_newnet) != 0:
            return False
        # map ourselves to our own ids so the release files stay readable
        with open("/proc/self/setgroups", "w") as fh:
            fh.write("deny")
        with open("/proc/self/uid_map", "w") as fh:
            fh.write(f"{uid} {uid} 1")
        with open("/proc/self/gid_map", "w") as fh:
            fh.write(f"{gid} {gid} 1")
        return True
    except OSError:
        return False


def run_job(db: Any, ox: Any, prefixes: dict[str, str], job: dict[str, Any]) -> tuple:
    kwargs: dict[str, Any] = {"prefixes": prefixes, "base_iri": job["base_iri"]}
    # Without a protocol dataset the store's default graph is used: the build materialized it
    # as the set-union of all named graphs (Oxigraph's union mode would repeat triples).
    if job["default_graphs"] is not None or job["named_graphs"] is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job["default_graphs"] or ()]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"] or ()]
    if job.get("substitutions"):
        kwargs["substitutions"] = _decode_substitutions(ox, job["substitutions"])
    max_rows, max_bytes = job["max_rows"], job["max_bytes"]
    if isinstance(db, ox.Store) and parse_check.mentions_service(job["query"]):
        # the engine's parser has the last word on SERVICE (the remote store's check does it)
        parse_check.check(job["query"], prefixes, job["base_iri"])
    result = db.query(job["query"], **kwargs)
    if isinstance(result, ox.QueryBoolean):
        name = job["results_format"] if job["results_format"] in BOOLEAN_FORMATS else None
        if name is None:
            return ("not_acceptable", "ask", BOOLEAN_FORMATS)
        body = result.serialize(format=FORMATS[name].serializer(ox))
        return ("ok", "ask", name, body)
    if isinstance(result, ox.QuerySolutions):
        name = job["results_format"]
        if name is None:
            return ("not_acceptable", "select", [f.name for f in RESULT_FORMATS])
        # TSV has exactly one line per row (newlines in values are escaped), so the row cap
        # is counted while pyoxigraph writes it; other formats are converted from it in Rust.
        tsv = _CappedWriter(max_bytes, max_lines=max_rows + 1)
        result.serialize(tsv, format=ox.QueryResultsFormat.TSV)
        if name == "tsv":
            return ("ok", "select", name, tsv.getvalue())
        out = _CappedWriter(max_bytes)
        body = tsv.getvalue()
        if len(body) > _TSV_LINE_LIMIT and max(map(len, body.split(b"\n"))) > _TSV_LINE_LIMIT:
            # pyoxigraph's TSV reader refuses (slowly) a line over 16 MiB: with the row count
            # known to be within the cap, evaluate again, straight to the asked format
            db.query(job["query"], **kwargs).serialize(out, format=FORMATS[name].serializer(ox))
        else:
            solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
            solutions.serialize(out, format=FORMATS[name].serializer(ox))
        return ("ok", "select", name, out.getvalue())
    name = job["graph_format"]
    if name is None:
        return ("not_acceptable", "graph", [f.name for f in GRAPH_FORMATS])
    count = 0

    def capped(triples: Any) -> Any:
        nonlocal count
        for triple in triples:
            count += 1
            if count > max_rows:
                raise _TooLarge(f"the result has more than {max_rows} triples (the limit)")
            yield triple

    out = _CappedWriter(max_bytes)
    fmt = FORMATS[name].serializer(ox)
    items = capped(result)
    if protocol.is_point_lookup(job["query"]):
        # one resource's triples in one order, whichever store answers (web/sparql.py)
        items = iter(sorted(items, key=str))
    if fmt.supports_datasets:
        items = (ox.Quad(t.subject, t.predicate, t.object) for t in items)
    ox.serialize(items, out, fmt,
                 prefixes=prefixes if name in {"ttl", "trig", "rdf"} else None)
    return ("ok", "graph", name, out.getvalue())


# --- substitutions: typed terms bound to variables (never pasted into the query text) -----------

def encode_substitutions(substitutions: Any) -> tuple[tuple[str, str, str, str], ...]:
    """``{name or Variable: NamedNode | Literal}`` as plain, sorted, picklable tuples
    ``(variable, "iri"|"literal", value, datatype or "@language")`` for the worker and the cache."""
    import pyoxigraph as ox

    encoded = []
    for variable, term in dict(substitutions or {}).items():
        name = variable.value if isinstance(variable, ox.Variable) else str(variable)
        if isinstance(term, ox.NamedNode):
            encoded.append((name, "iri", term.value, ""))
        elif isinstance(term, ox.Literal):
            extra = "@" + term.language if term.language else term.datatype.value
            encoded.append((name, "literal", term.value, extra))
        else:
            raise BadRequest(f"?{name} can only be bound to an IRI or a literal")
    return tuple(sorted(encoded))


def _decode_substitutions(ox: Any, encoded: Any) -> dict[Any, Any]:
    terms: dict[Any, Any] = {}
    for name, kind, value, extra in encoded:
        if kind == "iri":
            term = ox.NamedNode(value)
        elif extra.startswith("@"):
            term = ox.Literal(value, language=extra[1:])
        else:
            term = ox.Literal(value, datatype=ox.NamedNode(extra))
        terms[ox.Variable(name)] = term
    return terms


def exit_with_parent(interval: float = 1.0) -> None:
    """Exit when the server process that started us is gone (killed with SIGKILL, so it could
    not stop us), even in the middle of a query: pyoxigraph evaluates without the GIL, so this
    thread keeps running. Otherwise an orphan would finish a runaway query on a core of its own.
    """
    import time

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def evaluate(db: Any, ox: Any, prefixes: dict[str, str], job: dict[str, Any]) -> tuple:
    """Run one job on ``db`` (a pyoxigraph store or a :class:`~metrograph.store.remote.RemoteStore`)
    and say how it went as a picklable reply. A remote store's time-out or failure
    (an HTTPError) propagates."""
    try:
        return run_job(db, ox, prefixes, job)
    except SyntaxError as exc:
        return ("syntax", str(exc))
    except _TooLarge as exc:
        return ("too_large", str(exc))
    except BadRequest as exc:  # refused before evaluation (SERVICE, an extension)
        return ("refused", exc.message)
    except HTTPError:
        raise
    except MemoryError:  # the address-space backstop, met in Python code
        return ("memory", int(job.get("max_memory", 0)))
    except Exception as exc:  # evaluation errors (unsupported function, bad IRI, ...)
        return ("eval", evaluation_message(exc))


def evaluation_message(exc: Exception) -> str:
    """What went wrong evaluating, in the engine's words, without Python's class names."""
    if isinstance(exc, OSError):
        return ("the query asked for something outside this dataset (this server reads no "
                "other servers and no files)")
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return text[:300] or "the engine could not evaluate it"


class _MemoryGuard:
    """Stops a query process whose query allocates more than the job's ``max_memory`` bytes.

    A thread samples the C heap (glibc ``mallinfo2``: what pyoxigraph has allocated, not pages
    of the shared store that reads happen to copy) while a job runs — every few milliseconds,
    or less often when sampling is costly (see :meth:`_watch`); the baseline is taken between
    jobs, never on a job's path;
    above the mark it sends the ``("memory", limit)`` reply itself and ends the process (the
    engine replaces it). The main thread and the guard send under one lock, so a job gets
    exactly one reply. ``RLIMIT_AS`` is the backstop for an allocation faster than a sample.
    """

    INTERVAL = 0.005
    #: the watcher spends at most 1/COST_FACTOR of the time measuring
    COST_FACTOR = 20

    def __init__(self, replies: Connection) -> None:
        self.replies = replies
        self.lock = threading.Lock()
        self.limit = 0
        self.baseline = 0
        self.idle_heap: int | None = None
        self.active = False
        self._heap = _heap_meter()
        self._backstop_set = False
        if self._heap is not None:
            threading.Thread(target=self._watch, name="memory-guard", daemon=True).start()

    def start(self, limit: int) -> None:
        if limit > 0 and not self._backstop_set:
            self._backstop_set = True
            _address_space_backstop(limit)
        with self.lock:
            self.limit = limit
            if self._heap is not None and limit > 0 and self.idle_heap is None:
                self.idle_heap = self._heap()  # once; the watcher keeps it current when idle
            self.baseline = self.idle_heap or 0
            self.active = limit > 0

    def send(self, reply: tuple) -> None:
        with self.lock:
            self.active = False
            self.replies.send(reply)

    def _watch(self) -> None:
        """Sample the heap while a job runs, and between jobs keep the baseline current.

        ``mallinfo2`` walks the allocator's free lists under its lock: with the release held in
        memory one call takes ~0.1 s, during which the query's own allocations wait. So the
        watcher sleeps at least :data:`COST_FACTOR` times as long as its last call took (a
        query allocating faster than that meets the address-space backstop)."""
        import time

        assert self._heap is not None
        pause = self.INTERVAL
        while True:
            time.sleep(pause)
            started = time.monotonic()
            with self.lock:
                if not self.active:
                    self.idle_heap = self._heap()
                elif self._heap() - self.baseline > self.limit:
                    try:
                        self.replies.send(("memory", self.limit))
                    finally:
                        os._exit(3)
            pause = max(self.INTERVAL, self.COST_FACTOR * (time.monotonic() - started))


def _heap_meter() -> Any:
    """A function giving the bytes the C allocator has handed out, or None (not glibc)."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost")]

    try:
        mallinfo2 = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):
        return None
    mallinfo2.restype = MallInfo2

    def used() -> int:
        info = mallinfo2()
        return int(info.uordblks + info.hblkhd)

    return used


def _address_space_backstop(limit: int) -> None:
    """Cap this process's address space well above the guard's mark (best effort)."""
    try:
        import resource

        with open("/proc/self/statm") as fh:
            size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        cap = size + 4 * limit + 2**30
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or cap < hard:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (OSError, ValueError, ImportError):
        pass


def serve_jobs(db: Any, ox: Any, prefixes: dict[str, str], jobs: Connection,
               replies: Connection) -> None:
    """A worker's loop: evaluate each job on ``db`` and send the reply, until the pipe closes."""
    guard = _MemoryGuard(replies)
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):
            return  # the server process is gone
        guard.start(int(job.get("max_memory", 0)))
        reply = evaluate(db, ox, prefixes, job)
        try:
            guard.send(reply)
        except (BrokenPipeError, OSError):
            return
