"""What ``metrograph publish`` does through Virtuoso's SQL port (``remote_isql``): run
statements with its ``isql`` client, stage a release with its bulk loader
(``remote_load_dir``), and switch releases in one SQL transaction.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from metrograph.errors import StoreError
from metrograph.store import remote

if TYPE_CHECKING:
    from metrograph.store.publish import Admin

__all__ = ["bulk_load_sql", "clear_sql", "load_error", "run_isql", "sql_string", "stage_bulk", "switch"]


def run_isql(address: str, user: str, password: str, script: str, what: str,
             timeout: float | None) -> str:
    """Run SQL statements with Virtuoso's ``isql`` client (one per line); their output.
    StoreError on any error."""
    client = shutil.which("isql-vt") or shutil.which("isql")
    if client is None:
        raise StoreError("METROGRAPH_REMOTE_ISQL is set but no isql-vt (Virtuoso's SQL "
                         "client, Debian package virtuoso-opensource-7-bin) is installed")
    try:
        result = subprocess.run(
            [client, address, user, password, "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF",
             "ECHO=OFF", "ERRORS=STDOUT"],
            input=script, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise StoreError(f"{what} failed: no answer within {timeout:g} s") from None
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or "*** Error" in output:
        raise StoreError(f"{what} failed: {output[-800:]}")
    return output


def stage_bulk(admin: Admin, release_id: str, lines: Iterable[tuple[str, bytes]]
               ) -> dict[str, int]:
    """Stage a release by Virtuoso's bulk loader: its ``lines`` ((live graph, N-Triples line),
    from :func:`metrograph.store.publish._release_lines`) written once as gzipped N-Quads with
    staging graph names into the shared load directory, the staging graphs emptied, the
    file loaded (by the store, without a transaction: staging graphs are never read), then
    removed. Returns triples per live graph."""
    counts: dict[str, int] = {}
    name = f"metrograph-{release_id}.nq.gz"
    path = Path(admin.load_dir) / name
    staged: dict[str, bytes] = {}
    try:
        # compressed (fastest level): with the union the file is about twice release.nq
        with gzip.open(path, "wb", compresslevel=1) as out:
            for graph, line in lines:
                tail = staged.get(graph)
                if tail is None:
                    tail = staged[graph] = f" <{remote.staging_graph(release_id, graph)}> .\n" \
                        .encode()
                out.write(line[:-3] + tail)
                counts[graph] = counts.get(graph, 0) + 1
        os.chmod(path, 0o644)  # the store's own account reads it
        output = admin.isql(
            clear_sql([remote.staging_graph(release_id, g) for g in sorted(counts)])
            + bulk_load_sql(path, remote.staging_graph(release_id, remote.DEFAULT_GRAPH)),
            "bulk-loading the release", timeout=None)
    finally:
        path.unlink(missing_ok=True)
    refused = load_error(output)
    if refused:
        raise StoreError(f"the store's bulk loader refused {name}: {refused}; the live "
                         "release is unchanged")
    return counts


def clear_sql(graphs: list[str]) -> str:
    """SQL that empties ``graphs`` row by row without logging (row autocommit): a staging
    graph can be larger than one transaction may be, and nobody reads it."""
    return _procedure("METROGRAPH_CLEAR", 2, [_delete_graph(g) for g in graphs])


def _delete_graph(graph: str) -> str:
    return f"DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id({sql_string(graph)});"


def _procedure(name: str, log_mode: int, statements: list[str], checkpoint: bool = False
               ) -> str:
    """SQL that runs ``statements`` as a stored procedure, once: ``log_enable(log_mode)``
    applies to the transaction it is called in, so it is the procedure's first statement
    (isql commits each statement of its own). 0: one transaction without logging; 2: row by
    row, without logging. ``checkpoint`` makes the result durable right after."""
    return (f"CREATE PROCEDURE DB.DBA.{name} () {{\n  log_enable({log_mode}, 1);\n  "
            + "\n  ".join(statements) + f"\n}};\nDB.DBA.{name}();\n"
            + ("checkpoint;\n" if checkpoint else "") + f"DROP PROCEDURE DB.DBA.{name};\n")


def bulk_load_sql(path: Path, default_graph: str) -> str:
    """Virtuoso SQL that bulk-loads one N-Quads file (lines without a graph: into
    ``default_graph``), makes it durable and reports a refusal (see :func:`load_error`)."""
    file_sql = sql_string(str(path.resolve()))
    return (f"DELETE FROM DB.DBA.LOAD_LIST WHERE ll_file = {file_sql};\n"
            f"ld_dir({sql_string(str(path.parent.resolve()))}, {sql_string(path.name)}, "
            f"{sql_string(default_graph)});\n"
            "rdf_loader_run();\ncheckpoint;\n"
            f"SELECT 'LOAD-ERROR:', ll_error FROM DB.DBA.LOAD_LIST WHERE ll_file = {file_sql} "
            "AND ll_error IS NOT NULL;\n"
            f"DELETE FROM DB.DBA.LOAD_LIST WHERE ll_file = {file_sql};\n")


def load_error(isql_output: str) -> str:
    """The loader's complaint in the output of :func:`bulk_load_sql`, or ''."""
    marker = "LOAD-ERROR:"
    if marker not in isql_output:
        return ""
    return isql_output[isql_output.index(marker) + len(marker):].strip()[:500]


def sql_string(value: str) -> str:
    """A quoted SQL string; values that would need escaping are refused."""
    if "'" in value or "\\" in value:
        raise StoreError(f"refusing to write {value!r} into SQL")
    return f"'{value}'"


def switch(admin: Admin, release_id: str, graphs: list[str], gone: list[str],
           facts: list[tuple[str, str, bool]]) -> None:
    """Switch releases in one SQL transaction (a stored procedure runs as one). Over HTTP Virtuoso
    applies updates row by row, so readers would see graphs half replaced; here they read
    the old release until the commit, and a switch killed halfway is rolled back."""
    quad = "DB.DBA.RDF_QUAD"
    body = [_delete_graph(graph) for graph in (*gone, *graphs, remote.META_GRAPH)]
    for graph in graphs:
        body.append(
            f"INSERT INTO {quad} (G, S, P, O) SELECT iri_to_id({sql_string(graph)}), S, P, O "
            f"FROM {quad} WHERE G = iri_to_id("
            f"{sql_string(remote.staging_graph(release_id, graph))});")
    for predicate, value, iri in facts:
        function = "DB.DBA.RDF_QUAD_URI" if iri else "DB.DBA.RDF_QUAD_URI_L"
        body.append(f"{function}({sql_string(remote.META_GRAPH)}, "
                    f"{sql_string(remote.META_SUBJECT)}, {sql_string(predicate)}, "
                    f"{sql_string(value)});")
    # unlogged: a switch is as large as the release, far over the transaction log's limit
    # for one transaction (TransactionAfterImageLimit); still one transaction, made durable
    # by the checkpoint right after it. As long as the store needs (a 100x switch copies
    # ~74 M quads): killing publish meanwhile rolls the transaction back.
    admin.isql(_procedure("METROGRAPH_SWITCH", 0, body, checkpoint=True),
               "switching the live release", timeout=None)
