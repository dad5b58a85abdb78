"""A private Virtuoso 7 instance for tests (Debian ``virtuoso-opensource``; ``.ci/run`` installs it).

``Virtuoso()`` writes its own ``virtuoso.ini`` into a fresh temporary directory, binds ISQL and
HTTP to 127.0.0.1 on free ports, waits for ``/sparql`` and creates a SQL user that may write over
HTTP (digest auth) while anonymous ``/sparql`` stays read-only:

- ``query_url``  ``/sparql`` (anonymous, read-only)
- ``update_url`` ``/sparql-auth`` (digest auth; SPARQL Update as form ``update=`` or body)
- ``gsp_url``    ``/sparql-graph-crud-auth`` (digest auth; Graph Store Protocol with ``?graph=``)

Anonymous writes are refused (``/sparql``: 500 SR186; ``-auth`` endpoints: 401).

Virtuoso 7.2.5 as measured against this harness:

- GSP PUT/POST take N-Triples and Turtle (also RDF/XML; the type is sniffed), not N-Quads, TriG or
  JSON-LD (500). 201 for a new graph, else 200; DELETE 200, missing graph 404; a failed PUT keeps
  the old graph. Digest auth: urllib first sends the body unauthenticated and Virtuoso closes the
  connection on the 401, so multi-MB bodies fail (BrokenPipe); fetch the challenge with a bodiless
  request and send ``Authorization`` up front (the nonce may be reused).
- Nothing over HTTP replaces a graph atomically: readers saw 0 or partial counts during GSP PUT,
  ``CLEAR; ADD``, ``CLEAR; INSERT ... WHERE``, COPY and MOVE. No ``RDF_GRAPH_RENAME`` in 7.2.5.
- No dataset: the default graph is the union of all graphs with bag semantics, and it and
  ``GRAPH ?g`` include the system graphs (virtrdf#, ldp#, ...). ``default-graph-uri`` and
  ``named-graph-uri`` are honoured (but combined with, not replacing, a query's FROM).
- DESCRIBE returns outgoing and incoming triples, no blank-node closure (Oxigraph: outgoing only).
- Blank nodes in SELECT JSON/XML are ``nodeID://...`` (pyoxigraph rejects them); TSV has no ``?``
  in its header; ASK comes back as one row ``__ASK_RETVAL`` = 1 (true) or no row (false).
- Literals: lexical forms are canonicalised ("042" -> "42", "1.50" -> "1.5", 1.0E3 -> "1000.0"),
  language tags lower-cased, ``geo:wktLiteral`` becomes ``virtrdf:Geometry`` with float rounding.
- ``ResultSetMaxRows`` cuts SELECT (header ``X-SPARQL-MaxRows``) and CONSTRUCT (no header) silently;
  ``MaxQueryExecutionTime`` gives 500 SR171, the ``timeout`` parameter 200 with partial results and
  ``X-SQL-State: S1TAT``.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
#: 8 KiB pages; ~20000 buffers is ~170 MB of cache, enough for test graphs of a few 100k triples.
NUMBER_OF_BUFFERS = 20000
MAX_DIRTY_BUFFERS = 15000
#: The largest logged transaction (Virtuoso's default is 50 MB): a fifth of that, so that
#: switching to the real graph's release goes over it, as switching to a big release does.
TRANSACTION_LOG_LIMIT = 10_000_000


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the test process dies (even by SIGKILL)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    os.setsid()  # and not in the test's process group: Ctrl-C goes to pytest, which calls stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ini(directory: Path, sql_port: int, http_port: int, query_timeout: int,
         max_rows: int, buffers: int) -> str:
    """Only the settings this harness needs; everything else keeps Virtuoso's built-in default."""
    db = directory / "db"
    return f"""\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 8
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {buffers * MAX_DIRTY_BUFFERS // NUMBER_OF_BUFFERS}
TransactionAfterImageLimit = {TRANSACTION_LOG_LIMIT}
MaxQueryMem = 256M
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
DirsAllowed = ., {directory / "load"}
VADInstallDir = {directory / "vad"}
AllowOSCalls = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {directory / "vsp"}
ServerThreads = 8
MaxClientConnections = 8
MaxKeepAlives = 8
KeepAliveTimeout = 10
Charset = UTF-8
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {query_timeout}
MaxQueryCostEstimationTime = 0
"""


@contextlib.contextmanager
def private_instance() -> Iterator[Virtuoso]:
    """A running private Virtuoso for one test scope; skips the tests where none is installed
    (``.ci/run`` installs it, so CI always runs them)."""
    import pytest

    if not (VIRTUOSO and ISQL):
        pytest.skip("virtuoso-t/isql-vt not installed (.ci/run installs virtuoso-opensource)")
    with Virtuoso() as instance:
        yield instance


class Virtuoso:
    """A running private Virtuoso; ``stop()`` (or leaving the ``with`` block) removes everything."""

    def __init__(self, query_timeout: int = 30, max_rows: int = 100000,
                 startup_timeout: float = 60.0, buffers: int = NUMBER_OF_BUFFERS) -> None:
        """``buffers``: Virtuoso's page cache in 8 KiB pages (the benchmark raises it for
        graphs many times ours)."""
        if not (VIRTUOSO and ISQL):
            raise RuntimeError("virtuoso-t/isql-vt not found (.ci/run installs virtuoso-opensource)")
        self.directory = Path(tempfile.mkdtemp(prefix="metrograph-virtuoso-"))
        for sub in ("db", "load", "vad", "vsp"):
            (self.directory / sub).mkdir()
        self.load_dir = self.directory / "load"  # in DirsAllowed: files for ld_dir / TTLP
        self.sql_port, self.http_port = _free_port(), _free_port()
        self.ini = self.directory / "virtuoso.ini"
        self.ini.write_text(_ini(self.directory, self.sql_port, self.http_port, query_timeout,
                                 max_rows, buffers))
        self.log = self.directory / "db" / "virtuoso.log"
        self._dba_password = "dba"  # replaced by a random one right after start
        self.user = "metrograph"
        self.password = secrets.token_hex(16)
        base = f"http://127.0.0.1:{self.http_port}"
        self.query_url = base + "/sparql"
        self.update_url = base + "/sparql-auth"
        self.gsp_url = base + "/sparql-graph-crud-auth"
        started = time.monotonic()
        self._output = (self.directory / "stdout.log").open("wb")
        self.process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(self.ini)], cwd=self.directory / "db",
            stdout=self._output, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        try:
            self._wait(startup_timeout)
            self._setup()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    def __enter__(self) -> Virtuoso:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def log_tail(self, lines: int = 40) -> str:
        text = ""
        for path in (self.log, self.directory / "stdout.log"):
            if path.exists():
                text += "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) + "\n"
        return text

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        probe = self.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}:\n"
                                   + self.log_tail())
            try:
                with urllib.request.urlopen(probe, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Virtuoso did not answer within {timeout:.0f} s:\n"
                                   + self.log_tail())
            time.sleep(0.3)

    def _setup(self) -> None:
        dba_password = secrets.token_hex(16)
        self.isql(f"DB.DBA.USER_CHANGE_PASSWORD('dba', 'dba', '{dba_password}');")
        self._dba_password = dba_password
        # SPARQL_UPDATE is the role /sparql-auth and /sparql-graph-crud-auth require; the
        # anonymous endpoint runs as SPARQL (user "nobody"), which gets read permission only.
        self.isql(f"""
DB.DBA.USER_CREATE('{self.user}', '{self.password}');
GRANT SPARQL_SELECT TO "{self.user}";
GRANT SPARQL_UPDATE TO "{self.user}";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 1);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{self.user}', 7);
""")

    def remote_settings(self, bulk_load: bool = False) -> dict[str, str]:
        """The settings that make metrograph serve from (and publish to) this instance;
        ``bulk_load``: publish stages through the instance's load directory."""
        return {"backend": "remote", "remote_query_url": self.query_url,
                "remote_update_url": self.update_url, "remote_gsp_url": self.gsp_url,
                "remote_user": self.user, "remote_password": self.password,
                "remote_isql": f"127.0.0.1:{self.sql_port}",
                "remote_isql_password": self._dba_password,
                **({"remote_load_dir": str(self.load_dir)} if bulk_load else {})}

    @property
    def dba_password(self) -> str:
        """The random password of the instance's dba account (for the SQL switch)."""
        return self._dba_password

    def isql(self, sql: str, timeout: float = 120) -> str:
        """Run SQL statements (each ending in ``;``) as dba; raise RuntimeError on any error."""
        from metrograph.errors import StoreError
        from metrograph.store.virtuoso_sql import run_isql

        try:
            return run_isql(f"127.0.0.1:{self.sql_port}", "dba", self._dba_password, sql + "\n",
                            "isql", timeout)
        except StoreError as exc:
            raise RuntimeError(str(exc)) from None

    def auth_opener(self) -> urllib.request.OpenerDirector:
        """A urllib opener that answers the digest challenge of the ``-auth`` endpoints."""
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, f"http://127.0.0.1:{self.http_port}/", self.user,
                               self.password)
        return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))

    def rss_bytes(self) -> int:
        """Resident memory of the server process."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def stop(self, timeout: float = 20.0) -> None:
        """Terminate (Virtuoso checkpoints on SIGTERM), kill on timeout, delete the directory."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self._output.close()
        shutil.rmtree(self.directory, ignore_errors=True)
