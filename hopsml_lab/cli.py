"""``hopsml-lab``: the command line of HopsML Lab.

``hopsml-lab upload FILE PROJECT_PATH`` copies a local file or folder into the project's
files (the local project folder, or HDFS when the project root is an ``hdfs://`` URL).
``hopsml-lab job ...``, ``pipeline ...`` and ``store exists`` run the project's jobs and
pipelines (``hopsml_lab/pipelines/commands.py``).

Exit status of ``job``, ``pipeline`` and ``store``: 0 done; 1 a "no" answer (a failed job
or pipeline run, no execution yet, no such path); 2 an error (bad input, unknown job or
pipeline, an unreachable store), as argparse's usage errors. ``upload`` has no "no"
answer: it exits 1 on any error. Each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from .errors import HopsMLError, clip
from .pipelines.commands import EXIT_CODES, add_commands
from .settings import ENV_PROJECT_ROOT, ENV_WEBHDFS_URL

PROG = "hopsml-lab"
EXIT_ERROR = 2  # as argparse's usage errors; a command may set its own (``error_status``)


def _size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _upload(args: argparse.Namespace) -> int:
    from .settings import Settings
    from .store import open_store
    from .upload import UploadError, shown, upload

    settings = Settings.from_env(project_root=args.project_root)
    store = open_store(settings)
    try:
        done = upload(store, args.source, args.target, overwrite=args.overwrite)
    except OSError as error:
        # requests' ConnectionError is an OSError too; not imported for local projects.
        unreachable = isinstance(error, ConnectionError) or type(error).__module__.startswith(
            "requests."
        )
        if not (settings.is_remote_store and unreachable):
            raise
        gateway = settings.webhdfs_url or settings.project_root
        raise UploadError(
            f"cannot reach HDFS through WebHDFS at {shown(gateway)}: is the namenode up, "
            f"and {ENV_WEBHDFS_URL} its WebHDFS address? ({clip(error)})"
        ) from None
    what = "1 file" if done.files == 1 else f"{done.files} files"
    verb = "replaced" if done.replaced else "uploaded"
    print(f"{verb} {done.path} ({what}, {_size(done.size)}): {shown(done.url)}")
    for skipped in done.skipped:
        print(f"  left out the symlinked folder {skipped}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="HopsML Lab on the command line. `make lab` starts JupyterLab; these "
        "commands work on the same project.",
        epilog=EXIT_CODES + " upload exits 1 on an error.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    upload = commands.add_parser(
        "upload",
        help="Copy a local file or folder into the project.",
        description="Copy a local file or folder (recursively) into the project's files: "
        "the project folder, or HDFS when the project root is an hdfs:// URL. The copy "
        "is written under a temporary name and renamed, so it appears whole or not at "
        "all. An existing target is kept unless --overwrite is given.",
        epilog=f"The project is ${ENV_PROJECT_ROOT} (default ~/hopsml/demo, the folder "
        f"`make lab` opens); an hdfs:// root also needs ${ENV_WEBHDFS_URL}. Example: "
        f"{PROG} upload transactions.csv Resources/. Exit status: 0 uploaded, 1 an error.",
    )
    upload.add_argument("source", metavar="SOURCE", help="The local file or folder to copy.")
    upload.add_argument(
        "target",
        metavar="PROJECT_PATH",
        help="Where it goes, relative to the project root: the copy's name, or, ending "
        "in '/', the folder to put it in under its own name ('.' is the root).",
    )
    upload.add_argument(
        "--overwrite",
        action="store_true",
        help="Replace a file or folder already at the target.",
    )
    upload.add_argument(
        "--project-root",
        metavar="ROOT",
        default=None,
        help=f"The project: a folder or hdfs:// URL (default: ${ENV_PROJECT_ROOT}).",
    )
    upload.set_defaults(run=_upload, error_status=1)
    add_commands(commands)
    return parser


def _expected_errors() -> tuple[type[BaseException], ...]:
    """What a command reports in one line: its own errors, the file system's, HDFS's (the
    hdfs package is loaded only when a command used HDFS, so its error is looked up, not
    imported: importing it would add ~0.2 s to every error)."""
    hdfs_util = sys.modules.get("hdfs.util")
    found: tuple[type[BaseException], ...] = (HopsMLError, OSError)
    return (*found, hdfs_util.HdfsError) if hdfs_util is not None else found


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except _expected_errors() as error:
        print(f"{PROG} {args.command}: error: {error}", file=sys.stderr)
        return int(getattr(args, "error_status", EXIT_ERROR))
    except KeyboardInterrupt:
        print(f"{PROG} {args.command}: interrupted; nothing was left half-written", file=sys.stderr)
        return 130
    except Exception:
        # A bug, not an answer: its traceback, and the error status (Python's own 1 would
        # read as "the job failed" to callers that tell the two apart, such as Airflow's).
        traceback.print_exc()
        return int(getattr(args, "error_status", EXIT_ERROR))


if __name__ == "__main__":
    sys.exit(main())
