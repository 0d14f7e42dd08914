"""The `dli` command line: serve, database, users, tokens, problems (and later sandbox, grading).

Over 300 lines because each command's handler sits beside the parser that declares it; every
handler imports what it needs when it runs, so `dli --help` stays quick.
"""

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app.config import Settings, get_settings
from app.errors import AppError

if TYPE_CHECKING:
    from app.judge.spec import ProblemSpec

if TYPE_CHECKING:
    pass


@contextmanager
def db_session(settings: Settings) -> Iterator[Session]:
    from app.db import make_engine, make_sessionmaker

    engine = make_engine(settings.database_url, lock_timeout_s=settings.database_lock_timeout_s)
    session = make_sessionmaker(engine)()
    try:
        yield session
        session.commit()
    finally:
        session.close()
        engine.dispose()


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from app.ops import log_config
    from app.serving import uvicorn_options

    if not args.no_sync:
        sync_catalog(settings, quiet=True)
    print(f"dli: serving on http://{args.host or settings.host}:{args.port or settings.port}")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        reload=args.reload,
        workers=None if args.reload else settings.web_processes,
        log_level="info",
        log_config=log_config(settings.log_format == "json"),
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        **uvicorn_options(settings.header_timeout_s),
    )
    return 0


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from app.migrate import upgrade

    upgrade(settings.database_url, args.revision)
    print(f"dli: database at revision {args.revision}")
    return 0


def sync_catalog(settings: Settings, *, quiet: bool = False) -> None:
    from app.catalog import service
    from app.judge.spec import load_catalog

    specs = load_catalog(settings.problems_dir)
    with db_session(settings) as db:
        report = service.sync(db, specs=specs)
    if not quiet or report.added or report.updated or report.deactivated:
        print(
            f"dli: catalog synced: {len(specs)} problems "
            f"({len(report.added)} added, {len(report.updated)} updated, "
            f"{len(report.deactivated)} hidden)"
        )


def cmd_problems_sync(args: argparse.Namespace, settings: Settings) -> int:
    sync_catalog(settings)
    return 0


def cmd_problems_list(args: argparse.Namespace, settings: Settings) -> int:
    from app.judge.spec import load_catalog

    for spec in load_catalog(settings.problems_dir):
        m = spec.meta
        print(f"{m.table:9} {m.order:3} {spec.slug:26} {m.difficulty:7} {m.category:34} {m.title}")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise AppError("The passwords differ.")
    return first


def cmd_user_create(args: argparse.Namespace, settings: Settings) -> int:
    from app.models import Role
    from app.users import service

    password = _read_password(args)
    with db_session(settings) as db:
        user = service.create_user(
            db, username=args.username, password=password, role=Role(args.role)
        )
        print(f"dli: created {user.role.value} {user.username!r}")
    return 0


def cmd_user_role(args: argparse.Namespace, settings: Settings) -> int:
    from app.models import Role
    from app.users import service

    with db_session(settings) as db:
        user = service.set_role(db, username=args.username, role=Role(args.role))
        print(f"dli: {user.username!r} is now {user.role.value}")
    return 0


def cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    from app.errors import NotFound
    from app.users import service

    with db_session(settings) as db:
        user = service.get_by_username(db, args.username)
        if user is None:
            raise NotFound(f"No user named {args.username!r}.")
        _, plain = service.create_token(db, user=user, name=args.name)
    print(plain)  # alone on stdout, so scripts can capture it
    return 0


def _spec(settings: Settings, slug: str) -> "ProblemSpec":
    from app.errors import NotFound
    from app.judge.spec import Catalog

    spec = Catalog(settings.problems_dir).get(slug)
    if spec is None:
        raise NotFound(f"No problem {slug!r} in {settings.problems_dir}.")
    return spec


def cmd_grade(args: argparse.Namespace, settings: Settings) -> int:
    import json
    from pathlib import Path

    from app.judge.grader import grade
    from app.judge.isolation import close_default_pool
    from app.judge.kinds import Mode, Verdict
    from app.sandbox import Sandbox

    spec = _spec(settings, args.slug)
    source = Path(args.file).read_text()
    sandbox = Sandbox(settings, pool_size=0)
    try:
        result = grade(
            spec,
            source,
            mode=Mode(args.mode),
            sandbox=sandbox,
            output_chars=settings.sandbox_output_kib * 1024,
        )
    finally:
        sandbox.close()
        close_default_pool()
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(
            f"{result.verdict.value}  ({result.passed}/{len(result.cases)} cases, {result.seconds:.2f} s)"
        )
        if result.detail:
            print(result.detail)
        for case in result.cases:
            mark = "pass" if case.passed else "FAIL"
            kind = "hidden" if case.hidden else "sample"
            took = f"{case.seconds:.3f}s" if case.seconds is not None else "-"
            line = case.diagnostic.splitlines()[0] if case.diagnostic else ""
            print(f"  {mark}  {kind:6} {case.name:28} {took:>8}  {line}")
    return 0 if result.verdict == Verdict.accepted else 3


def cmd_problems_validate(args: argparse.Namespace, settings: Settings) -> int:
    from app.judge.spec import load_catalog
    from app.judge.validate import catalog_problems, validate_problem
    from app.sandbox import Sandbox

    if args.in_process:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = "1"  # forked children must not inherit a BLAS thread pool
    everything = load_catalog(settings.problems_dir)
    unknown = set(args.slugs) - {s.slug for s in everything}
    if unknown:
        raise AppError(f"unknown problems: {', '.join(sorted(unknown))}")
    specs = [s for s in everything if not args.slugs or s.slug in args.slugs]
    surprises = 0
    for problem in catalog_problems(everything):
        surprises += 1
        print(f"BAD catalog: {problem}")
    sandbox = None if args.in_process else Sandbox(settings)
    try:
        for spec in specs:
            for check in validate_problem(spec, sandbox, in_process=args.in_process):
                surprises += not check.ok
                mark = "ok " if check.ok else "BAD"
                failed = ",".join(check.failed[:4]) + ("..." if len(check.failed) > 4 else "")
                print(
                    f"{mark} {check.slug:24} {check.role:9} {check.file:34} {check.verdict:22} "
                    f"{failed} {check.note}".rstrip()
                )
    finally:
        if sandbox is not None:
            sandbox.close()
    print(f"dli: {len(specs)} problems validated, {surprises} surprises")
    return 1 if surprises else 0


def cmd_problems_mutate(args: argparse.Namespace, settings: Settings) -> int:
    import os

    # Forked children must not inherit a BLAS thread pool: one thread, set before NumPy loads.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    import json

    from app.judge.mutate import analyse
    from app.judge.spec import load_catalog

    specs = load_catalog(settings.problems_dir)
    unknown = set(args.slugs) - {s.slug for s in specs}
    if unknown:
        raise AppError(f"unknown problems: {', '.join(sorted(unknown))}")
    specs = [s for s in specs if not args.slugs or s.slug in args.slugs]
    reports = [analyse(spec, jobs=args.jobs) for spec in specs]
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "slug": r.slug,
                        "mutants": len(r.results),
                        "equivalent": len(r.results) - len(r.counted),
                        "killed": sum(x.killed for x in r.counted),
                        "score": r.score,
                        "survivors": [x.mutant.id for x in r.survivors],
                        "stale_equivalents": r.stale,
                        "seconds": round(r.seconds, 1),
                    }
                    for r in reports
                ],
                indent=2,
            )
        )
    else:
        print(
            f"{'question':26} {'mutants':>7} {'equiv.':>6} {'killed':>6} {'score':>7} {'time':>6}"
        )
        for r in reports:
            killed = sum(x.killed for x in r.counted)
            print(
                f"{r.slug:26} {len(r.results):7d} {len(r.results) - len(r.counted):6d} "
                f"{killed:6d} {r.score:7.1%} {r.seconds:5.0f}s"
            )
            for survivor in r.survivors:
                print(f"    survived  {survivor.mutant.id}")
            for entry in r.stale:
                print(f"    stale equivalent.toml entry (no such mutant): {entry}")
    low = [r for r in reports if r.score < args.min_score or r.stale]
    return 1 if low else 0


def cmd_problems_new(args: argparse.Namespace, settings: Settings) -> int:
    from app.judge.scaffold import create

    try:
        folder = create(settings.problems_dir, args.slug, title=args.title, table=args.table)
    except ValueError as exc:
        raise AppError(str(exc)) from exc
    print(f"dli: wrote {folder}: a working example (ReLU) to edit into your question")
    print(f"dli: check it with `dli problems validate --in-process {args.slug}`, then")
    print(f"     `dli problems mutate {args.slug}` for the cases' blind spots")
    return 0


def cmd_sandbox_build(args: argparse.Namespace, settings: Settings) -> int:
    from app.sandbox.image import build_image

    try:
        print(f"dli: sandbox image {build_image(settings, force=args.force)}")
    except RuntimeError as exc:  # no registry and no debootstrap, or no wheel of NumPy
        print(f"dli: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_bench_sandbox(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from app.judge.bench import bench_sandbox

    spec = _spec(settings, args.problem)
    source = (
        Path(args.solution).read_text()
        if args.solution
        else (spec.path / "reference.py").read_text()
    )
    runtimes = tuple(r for r in args.runtimes.split(",") if r)
    bench_sandbox(settings, spec, source, rounds=args.rounds, jobs=args.jobs, runtimes=runtimes)
    return 0


def cmd_bench_start(args: argparse.Namespace, settings: Settings) -> int:
    from app.bench_start import bench_start

    _spec(settings, args.problem)  # a clear error for a problem that does not exist
    isolations = tuple(i for i in args.isolations.split(",") if i)
    bench_start(args.problem, rounds=args.rounds, isolations=isolations)
    return 0


def cmd_bench_load(args: argparse.Namespace, settings: Settings) -> int:
    from app.bench_load import bench_load

    figures = bench_load(
        settings,
        url=args.url,
        users_count=args.users,
        waiters=args.waiters,
        think=args.think,
        ramp=args.ramp,
    )
    return 1 if figures["errors"] or figures["lost"] or figures["twice"] else 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from app.submissions.celery_queue import run_worker

    if settings.queue != "celery":
        raise AppError(
            "`dli worker` serves DLI_QUEUE=celery; the inline queue runs inside `dli serve`"
        )
    run_worker(settings)
    return 0


Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the web server")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--reload", action="store_true", help="restart on code changes")
    serve.add_argument(
        "--no-sync",
        action="store_true",
        help="do not sync problems/ first (a one-shot migrate step did it: several replicas)",
    )
    serve.set_defaults(handler=cmd_serve)

    db = sub.add_parser("db", help="database").add_subparsers(dest="db_command", required=True)
    up = db.add_parser("upgrade", help="apply migrations")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(handler=cmd_db_upgrade)

    problems = sub.add_parser("problems", help="the question catalog")
    psub = problems.add_subparsers(dest="problems_command", required=True)
    psub.add_parser("list", help="list problem folders").set_defaults(handler=cmd_problems_list)
    psub.add_parser("sync", help="sync problems/ into the database").set_defaults(
        handler=cmd_problems_sync
    )

    validate = psub.add_parser(
        "validate", help="reference accepted, starter and mutants rejected (real sandbox)"
    )
    validate.add_argument("slugs", nargs="*")
    validate.add_argument(
        "--in-process",
        action="store_true",
        help="grade in forked children instead of the sandbox (no Docker; our own files only)",
    )
    validate.set_defaults(handler=cmd_problems_validate)

    new = psub.add_parser("new", help="write a problem folder that validates, to edit")
    new.add_argument("slug")
    new.add_argument("--title", default="ReLU Forward and Backward")
    new.add_argument("--table", choices=["core", "extended"], default="extended")
    new.set_defaults(handler=cmd_problems_new)

    mutate = psub.add_parser(
        "mutate", help="mutation analysis: mechanical mutants of the reference, graded in process"
    )
    mutate.add_argument("slugs", nargs="*", help="default: every problem")
    mutate.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    mutate.add_argument("--json", action="store_true")
    mutate.add_argument(
        "--min-score", type=float, default=0.95, help="exit 1 if a question scores below this"
    )
    mutate.set_defaults(handler=cmd_problems_mutate)

    grade = sub.add_parser("grade", help="grade a file through the sandbox")
    grade.add_argument("slug")
    grade.add_argument("file")
    grade.add_argument("--mode", choices=["run", "submit"], default="submit")
    grade.add_argument("--json", action="store_true")
    grade.set_defaults(handler=cmd_grade)

    sandbox = sub.add_parser("sandbox", help="the sandbox image")
    ssub = sandbox.add_subparsers(dest="sandbox_command", required=True)
    build = ssub.add_parser("build", help="build the sandbox image if missing")
    build.add_argument("--force", action="store_true")
    build.set_defaults(handler=cmd_sandbox_build)

    bench = sub.add_parser("bench", help="benchmarks").add_subparsers(
        dest="bench_command", required=True
    )
    bsandbox = bench.add_parser(
        "sandbox", help="latency and throughput: pool vs cold vs bare vs in-process"
    )
    bsandbox.add_argument("--problem", default="softmax-cross-entropy")
    bsandbox.add_argument("--solution", help="a solution file (default: the problem's reference)")
    bsandbox.add_argument("--rounds", type=int, default=20)
    bsandbox.add_argument("--jobs", type=int, default=16)
    bsandbox.add_argument(
        "--runtimes",
        default="runc,runsc",
        help="container runtimes to compare, comma-separated (runsc is gVisor)",
    )
    bsandbox.set_defaults(handler=cmd_bench_sandbox)

    bstart = bench.add_parser(
        "start", help="a worker's first verdicts after it starts: on demand vs warm start"
    )
    bstart.add_argument("--problem", default="softmax-cross-entropy")
    bstart.add_argument("--rounds", type=int, default=3, help="fresh worker processes per figure")
    bstart.add_argument("--isolations", default="container,box")
    bstart.set_defaults(handler=cmd_bench_start)

    bload = bench.add_parser(
        "load", help="drive a running server with simulated users (creates them in its database)"
    )
    bload.add_argument("--url", default="http://127.0.0.1:8000")
    bload.add_argument("--users", type=int, default=200)
    bload.add_argument("--waiters", type=int, default=1000, help="long-polls held open meanwhile")
    bload.add_argument("--think", type=float, default=2.0, help="seconds between a user's steps")
    bload.add_argument("--ramp", type=float, default=10.0, help="seconds over which users arrive")
    bload.set_defaults(handler=cmd_bench_load)

    sub.add_parser("worker", help="a Celery grading worker (DLI_QUEUE=celery)").set_defaults(
        handler=cmd_worker
    )

    user = sub.add_parser("user", help="accounts").add_subparsers(
        dest="user_command", required=True
    )
    create = user.add_parser("create", help="create an account")
    create.add_argument("username")
    create.add_argument("--role", choices=["user", "proctor", "admin"], default="user")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    create.set_defaults(handler=cmd_user_create)
    role = user.add_parser("role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=["user", "proctor", "admin"])
    role.set_defaults(handler=cmd_user_role)

    token = sub.add_parser("token", help="API tokens").add_subparsers(
        dest="token_command", required=True
    )
    tcreate = token.add_parser("create", help="print a new API token for USER")
    tcreate.add_argument("username")
    tcreate.add_argument("--name", default="cli")
    tcreate.set_defaults(handler=cmd_token_create)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
        handler: Handler = args.handler
        return handler(args, settings)
    except AppError as exc:
        print(f"dli: {exc.detail}", file=sys.stderr)
        return 1
    except Exception as exc:  # settings errors, catalog errors: one clear line, no traceback
        from pydantic import ValidationError

        from app.judge.spec import CatalogError

        if isinstance(exc, ValidationError | CatalogError):
            print(f"dli: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    raise SystemExit(main())
