"""The dumps: checksums, gzip as a file format, and exactly the release's quads."""

from __future__ import annotations

import gzip
import hashlib

import pyoxigraph as ox
import pytest
import rdflib

from metrograph.build import dumps


@pytest.fixture(scope="module")
def written(release):
    return {d.format: d for d in dumps.read_dumps(release.path)}


def test_files_and_checksums(release, written):
    folder = release.path / dumps.DUMPS_DIRNAME
    assert set(written) == {"nq", "ttl"}
    sums = dict(reversed(line.split("  ")) for line in
                (folder / dumps.SUMS_FILENAME).read_text().splitlines())
    for dump in written.values():
        assert dump.name == f"metrograph-{release.id}.{dump.format}.gz"
        data = (folder / dump.name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sums[dump.name] == dump.sha256
        assert len(data) == dump.bytes
        assert data[:2] == b"\x1f\x8b" and data[4:8] == b"\0\0\0\0"  # gzip, no timestamp
        assert hashlib.sha256(gzip.decompress(data)).hexdigest() == dump.content_sha256


def test_nquads_dump_is_exactly_the_named_graphs(release, graph, written):
    data = gzip.decompress((release.path / dumps.DUMPS_DIRNAME / written["nq"].name).read_bytes())
    assert hashlib.sha256(data).hexdigest().startswith(release.id)  # the release id's input
    loaded = set(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    served = {q for q in graph.quads_for_pattern(None, None, None, None)
              if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert loaded == served
    assert len(loaded) == written["nq"].statements
    # an independent parser agrees on a sample (N-Quads is line-based)
    sample = b"\n".join(data.split(b"\n")[:2000])
    ds = rdflib.Dataset()
    ds.parse(data=sample.decode(), format="nquads")
    assert len(list(ds.quads((None, None, None, None)))) == 2000


def test_turtle_dump_is_exactly_the_default_graph(release, graph, written):
    data = gzip.decompress((release.path / dumps.DUMPS_DIRNAME / written["ttl"].name).read_bytes())
    loaded = {ox.Triple(q.subject, q.predicate, q.object)
              for q in ox.parse(data, format=ox.RdfFormat.TURTLE)}
    served = {ox.Triple(q.subject, q.predicate, q.object)
              for q in graph.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert loaded == served
    assert len(loaded) == written["ttl"].statements
    assert data.startswith(b"@prefix ")


def test_turtle_prefix_order_is_stable():
    text = (b"<https://w3id.org/metrograph/id/kreis/03358> "
            b"<http://www.w3.org/2000/01/rdf-schema#label> \"Heidekreis\"@de .\n")
    once = dumps.turtle_of(text, "https://w3id.org/metrograph/")
    assert once == dumps.turtle_of(text, "https://w3id.org/metrograph/")
    heads = [line for line in once.split(b"\n") if line.startswith(b"@prefix")]
    assert heads == sorted(heads)
    assert b"kreis:03358" in once
