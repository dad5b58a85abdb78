"""Command line: ``metrograph build | validate | serve | query | export``.

Exit codes: 0 success; 1 the data does not conform (validate/build) or a query failed;
2 usage or environment error (bad setting, no release, unreadable input).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from metrograph import config
from metrograph.errors import MetrographError, ValidationFailed
from metrograph.sparql.formats import FORMATS, RESULT_FORMATS


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    overrides = {k: v for k, v in (("var_dir", getattr(args, "var_dir", None)),
                                   ("port", getattr(args, "port", None)),
                                   ("host", getattr(args, "host", None))) if v is not None}
    return config.load(overrides)


def cmd_build(args: argparse.Namespace) -> int:
    from metrograph.build import pipeline

    release = pipeline.build(_settings(args))
    print(pipeline.format_counts(release.meta))
    print(f"release {release.id}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from metrograph.build import inputs as sources
    from metrograph.build import pipeline, shacl_gate

    settings = _settings(args)
    base, project = settings["base_iri"], Path(settings["project_dir"])
    quads = pipeline.read_inputs(settings)
    report = shacl_gate.validate(shacl_gate.to_rdflib(quads),
                               shacl_gate.load_shapes(sources.shape_files(project), base))
    if args.report:
        Path(args.report).write_text(report.turtle())
    if report.conforms:
        print(f"conforms ({len(quads)} quads)")
        return 0
    print(f"{report.violations} violation(s):\n{shacl_gate.summarize(report, limit=200)}")
    return 1


def cmd_query(args: argparse.Namespace) -> int:
    import pyoxigraph as ox

    from metrograph.build import inputs, query_catalogue
    from metrograph.model import namespaces
    from metrograph.release import folders

    settings = _settings(args)
    release = folders.current_release(Path(settings["var_dir"]))
    db = folders.open_read_only(release)
    text = sys.stdin.read() if args.query == "-" else args.query
    named = Path(settings["project_dir"]) / "queries" / f"{text}.rq"
    file = Path(text) if Path(text).suffix == ".rq" and Path(text).exists() else named
    try:
        if args.query != "-" and file.is_file():
            # a catalogue query, as the site runs it: fragments included, parameters at their
            # defaults
            result = query_catalogue.run(db, inputs.read_query(file), settings["base_iri"])
        else:
            result = db.query(namespaces.sparql_prologue(settings["base_iri"]) + text)
    except SyntaxError as exc:
        print(f"query syntax error: {exc}", file=sys.stderr)
        return 1
    out = sys.stdout.buffer
    if isinstance(result, ox.QueryTriples):
        out.write(result.serialize(format=ox.RdfFormat.TURTLE))
    elif isinstance(result, ox.QueryBoolean):
        out.write(b"true\n" if bool(result) else b"false\n")
    else:
        out.write(result.serialize(format=FORMATS[args.format].serializer(ox)))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import pyoxigraph as ox

    from metrograph.release import folders

    settings = _settings(args)
    db = folders.open_read_only(folders.current_release(Path(settings["var_dir"])))
    fmt = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}[args.format]
    with open(args.output, "wb") if args.output != "-" else sys.stdout.buffer as out:
        db.dump(out, format=fmt)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from metrograph import serving
    from metrograph.build import pipeline
    from metrograph.release import folders

    settings = _settings(args)
    var_dir = Path(settings["var_dir"])
    if settings["backend"] == "remote":
        from metrograph.web.state import AppState

        AppState.open(settings)  # the store answers and its release is here, or a clear error
        return serving.run(settings)
    if args.rebuild or not (var_dir / "current").exists():
        pipeline.build(settings)
    folders.verify(folders.current_release(var_dir), settings["query_store"])  # fail early, clearly
    return serving.run(settings)


def cmd_publish(args: argparse.Namespace) -> int:
    from metrograph.release import folders
    from metrograph.store import publish

    settings = _settings(args)
    if args.rollback:
        print(publish.rollback(settings))
        return 0
    var_dir = Path(settings["var_dir"])
    release = (folders.release_by_id(var_dir, args.release) if args.release
               else folders.current_release(var_dir))
    print(publish.publish(settings, release))
    return 0


# ---------------------------------------------------------------- reference data import

def cmd_import_reference(args: argparse.Namespace) -> int:
    from metrograph.build import reference_import

    settings = _settings(args)
    project = Path(settings["project_dir"])
    reference = Path(args.path) if args.path else project / reference_import.DEFAULT_REFERENCE_DIR
    rows = reference_import.import_reference(reference, project / "data")
    for name, n in rows.items():
        print(f"{n:>8}  data/tables/reference/{name}.csv")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="metrograph", description=__doc__.splitlines()[0])
    p.add_argument("--var-dir", help="release folder (default: METROGRAPH_VAR_DIR or ./var)")
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("build", help="build a release from the inputs and make it current")

    v = sub.add_parser("validate", help="SHACL-validate the inputs without building")
    v.add_argument("--report", help="write the full SHACL report (Turtle) to this file")

    q = sub.add_parser("query", help="run a SPARQL query (text, file.rq or -) on the release")
    q.add_argument("query")
    q.add_argument("--format", choices=[f.name for f in RESULT_FORMATS], default="csv")

    e = sub.add_parser("export", help="dump the current release")
    e.add_argument("--format", choices=["nq", "trig"], default="nq")
    e.add_argument("--output", "-o", default="-")

    i = sub.add_parser("import-reference",
                       help="write data/tables/reference/ from the reference data compilation")
    i.add_argument("path", nargs="?", help="compilation folder (default: ../shared/reference)")

    u = sub.add_parser("publish", help="load the current release into the remote store "
                       "(METROGRAPH_REMOTE_*) and switch readers to it")
    u.add_argument("--release", help="publish this release id instead of var/current")
    u.add_argument("--rollback", action="store_true",
                   help="switch the store back to the previous release")

    s = sub.add_parser("serve", help="build if needed, then serve the release (gunicorn)")
    s.add_argument("--rebuild", action="store_true", help="build even if a release exists")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    return p


COMMANDS = {"build": cmd_build, "validate": cmd_validate, "query": cmd_query,
            "export": cmd_export, "serve": cmd_serve, "publish": cmd_publish,
            "import-reference": cmd_import_reference}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ValidationFailed as exc:
        print(f"metrograph: {exc}", file=sys.stderr)
        return 1
    except MetrographError as exc:
        print(f"metrograph: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
