"""``%%featurestore``: the feature store from notebook cells, through the hsfs API.

Subcommands, each with ``--help``::

    %%featurestore create transactions --version 1 --primary-key id --event-time ts
    df                                   # the cell: a DataFrame variable or a project file

    %%featurestore insert transactions --version 1
    Resources/more.csv

    %%featurestore query --out df
    transactions:1 [amount, city]
    join profiles:1 on id
    where amount > 100

    %featurestore training-dataset fraud_view --query-from q --label is_fraud --test-size 0.2

The feature store is the current project's (``hopsworks.login()``'s, or the last
``login`` of the notebook: its engine decides pandas or Spark frames). Every step is an
hsfs call (``get_or_create_feature_group``, ``insert``, ``select``/``join``/``filter``,
``fs.sql``, ``get_or_create_feature_view``, ``create_train_test_split``); errors are one
line, naming what to change.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import keyword
import shlex
import warnings
from typing import Any, NoReturn

import pandas as pd
from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.display import display

from ..errors import HopsMLError, clip
from ..featurestore.errors import VersionWarning
from .feature_query import EXAMPLE, build_query, is_sql, without_comments

FILE_KINDS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


class _HelpShown(Exception):
    """argparse printed the help (``--help``): the magic is done."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad option as a one-line UsageError, not an exit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if status:
            raise UsageError(message or f"{self.prog}: failed")
        raise _HelpShown


def _columns(values: list[str] | None) -> list[str]:
    """``--primary-key id city`` and ``--primary-key id,city`` alike."""
    return [name.strip() for value in values or [] for name in value.split(",") if name.strip()]


def _version(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: versions are whole numbers from 1")
    return int(text)


def _variable(text: str) -> str:
    if not text.isidentifier() or keyword.iskeyword(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a Python variable name")
    return text


def build_parser() -> _Parser:
    parser = _Parser(
        prog="%%featurestore",
        description="Create feature groups, insert into them, query them and make training "
        "datasets, with the hsfs API on the project's feature store.",
        epilog="`%featurestore SUBCOMMAND --help` explains one subcommand.",
    )
    commands = parser.add_subparsers(dest="command", metavar="SUBCOMMAND", required=True)
    data_help = (
        "The data: a DataFrame variable, or a CSV or Parquet file in the project (a path "
        "relative to the project root, e.g. one `hopsml-lab upload` or the file browser put "
        "there). Given in the cell under the magic, or with --from in the one-line form."
    )

    create = commands.add_parser(
        "create",
        help="Create a feature group and insert its first rows.",
        description="Create a feature group (fs.get_or_create_feature_group) and insert the "
        "data the cell names. Creating an existing version inserts into it (as hsfs' "
        "get_or_create does), when its keys are the ones given.",
        epilog=data_help,
    )
    create.add_argument("name", help="The feature group's name.")
    create.add_argument("--version", type=_version, default=1, help="Its version (default 1).")
    create.add_argument("--primary-key", nargs="+", metavar="COLUMN", help="Primary key column(s).")
    create.add_argument("--event-time", metavar="COLUMN", help="The event time column.")
    create.add_argument("--partition-key", nargs="+", metavar="COLUMN", help="Partition column(s).")
    create.add_argument("--description", default="", help="What the group holds.")
    create.add_argument("--online", action="store_true", help="Make it online enabled.")
    create.add_argument("--from", dest="source", metavar="DATA", help="The data (see below).")

    insert = commands.add_parser(
        "insert",
        help="Insert rows into a feature group.",
        description="Insert the data the cell names into a saved feature group "
        "(fg.insert): an upsert by primary key unless --operation insert.",
        epilog=data_help,
    )
    insert.add_argument("name", help="The feature group's name.")
    insert.add_argument("--version", type=_version, default=1, help="Its version (default 1).")
    insert.add_argument(
        "--operation",
        choices=["upsert", "insert"],
        default="upsert",
        help="upsert (default): rows replace those of the same primary key; insert: append.",
    )
    insert.add_argument(
        "--overwrite", action="store_true", help="Replace the group's content with the data."
    )
    insert.add_argument("--from", dest="source", metavar="DATA", help="The data (see below).")

    query = commands.add_parser(
        "query",
        help="Read a query of feature groups (or SQL) into a DataFrame.",
        description="Read the query the cell holds: SQL (a cell starting with SELECT or\n"
        "WITH, run by fs.sql over tables named <group>_<version>), or one clause a line:\n\n"
        "  transactions:1 [amount, city]     a group, its features (all if left out)\n"
        "  join profiles:1 [age] on id       [inner|left|right|full] join, 'on a, b' or\n"
        "                                    'on cust = id', optional 'prefix p_'\n"
        "  where amount > 100 and city in ('oslo', 'rome')\n"
        "                                    > >= < <= = != in like, and/or, (...)\n"
        "  as of 2024-01-01 12:00            read every group as of that time",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    query.add_argument(
        "--out", type=_variable, metavar="VAR", help="Put the DataFrame in this variable."
    )
    query.add_argument(
        "--query-out",
        type=_variable,
        metavar="VAR",
        help="Put the hsfs Query in this variable (for training-dataset --query-from).",
    )

    dataset = commands.add_parser(
        "training-dataset",
        help="Create a feature view if needed and materialize a training dataset.",
        description="Get or create the feature view (fs.get_or_create_feature_view) from "
        "the Query in --query-from or the query the cell holds (written as for query), and "
        "write a training dataset of it (fv.create_train_test_split with --test-size, else "
        "fv.create_training_data). Prints its version and where its files are.",
    )
    dataset.add_argument("name", help="The feature view's name.")
    dataset.add_argument("--version", type=_version, default=1, help="Its version (default 1).")
    dataset.add_argument(
        "--query-from", type=_variable, metavar="VAR", help="A variable holding an hsfs Query."
    )
    dataset.add_argument("--label", nargs="+", metavar="COLUMN", help="The label column(s).")
    dataset.add_argument(
        "--test-size", type=float, metavar="FRACTION", help="Split off this share as test."
    )
    dataset.add_argument(
        "--format",
        default="parquet",
        metavar="FORMAT",
        help="The files' format: parquet (default), csv, tsv or tfrecord.",
    )
    dataset.add_argument("--seed", type=int, help="Fixes the split.")
    dataset.add_argument("--description", default="", help="What the dataset is for.")
    return parser


PARSER = build_parser()


def _words(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError as error:
        raise UsageError(f"{error} in: {clip(line.strip())} (close the quote)") from None


def _feature_store() -> Any:
    from .. import hopsworks

    return hopsworks.get_current_project().get_feature_store()


def read_file(store: Any, given: str) -> pd.DataFrame:
    """A CSV or Parquet file of the project (the local folder or HDFS) as pandas."""
    from ..store import StoreError, StoreNotFoundError
    from ..upload import project_path, shown

    path = project_path(store, given).rstrip("/")
    suffix = "." + path.rpartition(".")[2].lower() if "." in path else ""
    kind = FILE_KINDS.get(suffix)
    if kind is None:
        raise UsageError(
            f"{clip(given)}: no DataFrame variable of that name, and not a .csv or .parquet "
            "file: name a DataFrame variable, or a CSV or Parquet file in the project"
        )
    try:
        data = store.read_bytes(path)
    except StoreNotFoundError:
        raise UsageError(
            f"no file {path!r} in the project ({shown(store.url())}): upload it with "
            "`hopsml-lab upload FILE PROJECT_PATH` or the file browser"
        ) from None
    except StoreError as error:
        raise UsageError(str(error)) from None
    try:
        if kind == "csv":
            return pd.read_csv(io.BytesIO(data))
        return pd.read_parquet(io.BytesIO(data))
    except (ValueError, OSError) as error:  # pandas' and pyarrow's parse errors
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UsageError(f"{path}: cannot read it as {kind.upper()}: {clip(first)}") from None


@magics_class
class FeatureStoreMagics(Magics):
    @line_cell_magic
    def featurestore(self, line: str, cell: str | None = None) -> None:
        """Feature groups, queries and training datasets from a cell (hsfs underneath).

        ``%featurestore --help`` lists the subcommands, ``%featurestore create --help``
        one subcommand's options. Examples::

            %%featurestore create transactions --primary-key id --event-time ts
            df

            %%featurestore query --out big
            transactions:1 [id, amount]
            where amount > 100
        """
        try:
            args = PARSER.parse_args(_words(line))
        except _HelpShown:
            return None
        try:
            return getattr(self, "_" + args.command.replace("-", "_"))(args, cell)
        except HopsMLError as error:
            raise UsageError(str(error)) from None

    # -- data in --------------------------------------------------------------------

    def _data(self, args: argparse.Namespace, cell: str | None, how: str) -> Any:
        given = [text for text in (args.source, _body(cell)) if text]
        if len(given) != 1:
            raise UsageError(
                f"%%featurestore {how}: "
                + (
                    "give the data once: in the cell or with --from, not both"
                    if given
                    else "name the data to insert: a DataFrame variable or a CSV/Parquet file "
                    "of the project, on the line under %%featurestore (or with --from)"
                )
            )
        source = given[0]
        if "\n" in source:
            raise UsageError(
                f"%%featurestore {how}: the cell names one DataFrame variable or file, "
                f"not {len(source.splitlines())} lines"
            )
        if source.isidentifier() and source in self.shell.user_ns:
            value = self.shell.user_ns[source]
            if isinstance(value, pd.DataFrame) or hasattr(value, "toPandas"):
                return value
            raise UsageError(
                f"{source} is a {type(value).__name__}, not a DataFrame: name a pandas or "
                "Spark DataFrame, or a CSV or Parquet file in the project"
            )
        from ..lab import get_lab

        return read_file(get_lab().store, source)

    @staticmethod
    def _event_times(frame: Any, column: str | None) -> Any:
        """A CSV's event time column is text: read it as timestamps."""
        if column and isinstance(frame, pd.DataFrame):
            lowered = {c.lower(): c for c in frame.columns}
            name = lowered.get(column.lower())
            if name is not None and pd.api.types.is_string_dtype(frame[name]):
                # Left as it is when unreadable: the feature store names the column's type.
                with contextlib.suppress(ValueError, TypeError):
                    frame = frame.assign(**{name: pd.to_datetime(frame[name], format="ISO8601")})
        return frame

    def _report(self, fg: Any, what: str) -> None:
        details = fg.commit_details(limit=1)
        commit = details[max(details)] if details else {}
        print(
            f"feature group {fg.name} version {fg.version}: {what}; this commit "
            f"{commit.get('rowsInserted', 0)} inserted, {commit.get('rowsUpdated', 0)} "
            f"updated, {commit.get('rowsDeleted', 0)} deleted; files at {fg.location}"
        )

    def _create(self, args: argparse.Namespace, cell: str | None) -> None:
        fs = _feature_store()
        frame = self._data(args, cell, "create")
        primary_key = _columns(args.primary_key)
        partition_key = _columns(args.partition_key)
        fg = fs.get_or_create_feature_group(
            args.name,
            version=args.version,
            description=args.description,
            online_enabled=args.online,
            primary_key=primary_key,
            partition_key=partition_key,
            event_time=args.event_time,
        )
        existed = fg.id is not None
        if existed:
            asked = {
                "--primary-key": [c.lower() for c in primary_key],
                "--event-time": args.event_time.lower() if args.event_time else None,
                "--partition-key": [c.lower() for c in partition_key],
            }
            saved = {
                "--primary-key": fg.primary_key,
                "--event-time": fg.event_time,
                "--partition-key": fg.partition_key,
            }
            differ = [k for k in asked if asked[k] and asked[k] != saved[k]]
            if differ:
                raise UsageError(
                    f"feature group {fg.name} version {fg.version} exists with "
                    + ", ".join(f"{k} {saved[k]}" for k in differ)
                    + f": create version {fg.version + 1} for other keys, or insert into it "
                    f"with %%featurestore insert {fg.name} --version {fg.version}"
                )
        fg.insert(self._event_times(frame, fg.event_time))
        self._report(fg, "existed, rows inserted" if existed else "created")

    def _insert(self, args: argparse.Namespace, cell: str | None) -> None:
        fs = _feature_store()
        fg = fs.get_feature_group(args.name, version=args.version)
        if fg is None:
            known = ", ".join(f"{g.name}:{g.version}" for g in fs.get_feature_groups())
            raise UsageError(
                f"no feature group {args.name} version {args.version} (the feature groups: "
                f"{known or 'none yet'}): make it with %%featurestore create {args.name}"
            )
        frame = self._event_times(self._data(args, cell, "insert"), fg.event_time)
        fg.insert(frame, operation=args.operation, overwrite=args.overwrite)
        self._report(fg, "overwritten" if args.overwrite else f"{args.operation}ed")

    # -- data out -------------------------------------------------------------------

    def _query(self, args: argparse.Namespace, cell: str | None) -> None:
        text = _body(cell)
        if cell is None:
            raise UsageError(
                "%%featurestore query reads the query in its cell: put %%featurestore query "
                f"(two %) on a cell's first line and the query under it, e.g. {EXAMPLE}"
            )
        fs = _feature_store()
        if is_sql(text):
            if args.query_out:
                raise UsageError("--query-out keeps an hsfs Query: SQL makes none")
            frame = fs.sql(text)
        else:
            query = build_query(fs, cell)
            frame = query.read()
            if args.query_out:
                self.shell.user_ns[args.query_out] = query
        if args.out:
            self.shell.user_ns[args.out] = frame
        display(frame)

    def _training_dataset(self, args: argparse.Namespace, cell: str | None) -> None:
        if args.test_size is not None and not 0 < args.test_size < 1:
            raise UsageError(f"--test-size {args.test_size}: give a fraction between 0 and 1")
        fs = _feature_store()
        query = self._view_query(fs, args, cell)
        labels = _columns(args.label)
        view = fs.get_feature_view(args.name, version=args.version)
        if view is None:
            if query is None:
                raise UsageError(
                    f"no feature view {args.name} version {args.version} yet: give its query "
                    "with --query-from VAR (a variable holding an hsfs Query) or in the cell"
                )
            view = fs.get_or_create_feature_view(
                args.name,
                version=args.version,
                query=query,
                labels=labels,
                description=args.description,
            )
            made = "created"
        else:
            wanted = [c.lower() for c in labels]
            if labels and wanted != list(view.labels):
                raise UsageError(
                    f"feature view {args.name} version {args.version} exists with labels "
                    f"{list(view.labels)}: leave --label out, or use another --version"
                )
            made = "existing" + (" (its own query is used)" if query is not None else "")
        options: dict[str, Any] = {
            "description": args.description,
            "data_format": args.format,
            "seed": args.seed,
        }
        with warnings.catch_warnings():
            # hsfs warns which version it took; the line printed below says it.
            warnings.simplefilter("ignore", VersionWarning)
            if args.test_size is not None:
                version, _job = view.create_train_test_split(test_size=args.test_size, **options)
                split = f"train/test split ({1 - args.test_size:g}/{args.test_size:g})"
            else:
                version, _job = view.create_training_data(**options)
                split = "training data (no split)"
        location = next(
            (td.location for td in view.get_training_datasets() if td.version == version), None
        )
        print(
            f"feature view {view.name} version {view.version} ({made}), labels "
            f"{list(view.labels)}: training dataset version {version}, {split}, "
            f"{args.format} files at {location}"
        )

    def _view_query(self, fs: Any, args: argparse.Namespace, cell: str | None) -> Any:
        from ..hsfs.constructor.query import Query

        text = _body(cell)
        if args.query_from and text:
            raise UsageError("give the query once: --query-from VAR or the cell, not both")
        if text:
            if is_sql(text):
                raise UsageError(
                    "a feature view is made from an hsfs Query, not SQL: write the query as "
                    f"for %%featurestore query ({EXAMPLE})"
                )
            return build_query(fs, cell or "")
        if not args.query_from:
            return None
        if args.query_from not in self.shell.user_ns:
            raise UsageError(f"--query-from {args.query_from}: no variable of that name")
        value = self.shell.user_ns[args.query_from]
        if not isinstance(value, Query):
            raise UsageError(
                f"--query-from {args.query_from}: it holds a {type(value).__name__}, not an "
                "hsfs Query (fg.select_all(), or %%featurestore query --query-out VAR)"
            )
        return value


def _body(cell: str | None) -> str:
    """The cell without ``#`` comments and blank lines."""
    return without_comments(cell or "")
