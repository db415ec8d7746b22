"""``%validate``: validate a DataFrame or a feature group from a notebook line, and show
the report (its rules, then its Plotly figures, the same JSON the sidebar draws)::

    %validate df --rules "age: not_null, between(0, 120); churned: balanced(0.2)"
    %validate customers:1 --suite suite.json --overview --save
    %validate customers                      # the group's own expectation suite
    %validate today --rules "amount: drift(0.2)" --reference customers:1 --out report

A feature group is read at its latest commit where its files are (DuckDB over its
Arrow data: no row reaches the kernel but the failing samples), and ``--save`` stores
the report attached to that commit, as ``fg.validate(save_report=True)`` on the group's
data does (``FG_DATA``). The work is ``validation.validate`` and the feature store's
validation domain; this module parses and shows.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class

from ..errors import HopsMLError, clip
from .featurestore import _HelpShown, _Parser, _variable, _words

FG_DATA = "FG_DATA"
"""hsfs' ingestion result of a validation of data already in the feature group."""


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of rows, 0 or more")
    return int(text)


def build_parser() -> _Parser:
    parser = _Parser(
        prog="%validate",
        description="Validate a DataFrame variable or a feature group (NAME or NAME:VERSION, "
        "version 1 unless given; read at its latest commit) against rules, a Great "
        "Expectations suite, or the group's own expectation suite, in one pass; show the "
        "report and its figures.",
        epilog='Rules: "age: not_null, between(0, 120); churned: balanced(0.2)" (a column, '
        "a colon, its rules; clauses separated by ';'). A suite: the JSON Great "
        "Expectations writes (1.x or 0.18).",
    )
    parser.add_argument("target", help="A DataFrame variable, or a feature group NAME[:VERSION].")
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--rules", metavar="TEXT", help="The rules in their text form (quoted).")
    given.add_argument("--suite", metavar="FILE", help="A Great Expectations suite's JSON file.")
    parser.add_argument(
        "--reference",
        metavar="DATA",
        help="What drift rules compare with: a DataFrame variable or a feature group "
        "NAME[:VERSION].",
    )
    parser.add_argument(
        "--sample", type=_count, default=10, metavar="N", help="Failing rows kept per rule (10)."
    )
    parser.add_argument(
        "--overview",
        action="store_true",
        help="Also profile every column (histograms, missing values, correlations) and draw it.",
    )
    parser.add_argument(
        "--save",
        action="store_true",
        help="Store the report with the feature group, attached to its latest commit.",
    )
    parser.add_argument("--out", type=_variable, metavar="VAR", help="Put the Report in VAR.")
    return parser


PARSER = build_parser()


@dataclass
class GroupData:
    """A feature group version's data at its latest commit."""

    groups: Any  # featurestore.FeatureGroups
    record: Any  # catalog.FeatureGroupRecord
    commit: Any  # catalog.CommitRecord | None (no commit yet)
    data: Any  # what validation.validate reads

    @property
    def label(self) -> str:
        return f"feature group {self.record.name} version {self.record.version}"


def _group_version(text: str) -> tuple[str, int]:
    name, _, version = text.partition(":")
    if not name or (version and (not version.isdigit() or int(version) < 1)):
        raise UsageError(
            f"{clip(text)}: name a DataFrame variable, or a feature group as NAME or "
            "NAME:VERSION (versions are whole numbers from 1)"
        )
    return name, int(version or 1)


def read_group(text: str) -> GroupData:
    """The feature group ``NAME[:VERSION]`` at its latest commit."""
    from ..featurestore import FeatureGroups
    from ..lab import get_lab

    name, version = _group_version(text)
    groups = FeatureGroups(get_lab())
    record = groups.get(name, version)
    if record is None:
        known = ", ".join(f"{g.name}:{g.version}" for g in groups.list())
        raise UsageError(
            f"{clip(text)}: no DataFrame variable of that name, and no feature group "
            f"{clip(name)} version {version} (the feature groups: {known or 'none yet'})"
        )
    data, commit = groups.validation.stored_data(record)
    return GroupData(groups, record, commit, data)


def read_suite_file(path: str) -> dict[str, Any]:
    """A suite's JSON file, read (a missing file or bad JSON said in one line)."""
    try:
        text = Path(path).expanduser().read_text()
    except OSError as error:
        raise UsageError(f"--suite {clip(path)}: cannot read it ({error.strerror})") from None
    try:
        suite = json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"--suite {clip(path)}: not JSON ({error.msg} at line {error.lineno} column "
            f"{error.colno})"
        ) from None
    if not isinstance(suite, dict):
        raise UsageError(f"--suite {clip(path)}: a suite is a JSON object with 'expectations'")
    return suite


@magics_class
class ValidateMagics(Magics):
    @line_magic
    def validate(self, line: str) -> None:
        """Validate a DataFrame or a feature group against rules and show the report.

        ``%validate --help`` lists the options. Examples::

            %validate df --rules "age: not_null, between(0, 120); churned: balanced(0.2)"
            %validate customers:1 --overview --save
        """
        try:
            args = PARSER.parse_args(_words(line))
        except _HelpShown:
            return None
        try:
            self._validate(args)
        except HopsMLError as error:
            raise UsageError(str(error)) from None
        return None

    def _data(self, text: str, what: str) -> tuple[Any, GroupData | None]:
        """A variable's value, or a feature group's data (and the group)."""
        if text.isidentifier() and text in self.shell.user_ns:
            value = self.shell.user_ns[text]
            if value is None or isinstance(value, str | int | float | bool | list | dict):
                raise UsageError(
                    f"{what}{text} is a {type(value).__name__}, not a DataFrame: name a "
                    "pandas or Spark DataFrame (or an Arrow table), or a feature group"
                )
            return value, None
        group = read_group(text)
        return group.data, group

    def _rules(self, args: argparse.Namespace, group: GroupData | None) -> Any:
        if args.rules is not None:
            if not args.rules.strip():
                raise UsageError('--rules: give the rules, e.g. --rules "age: not_null"')
            return args.rules
        if args.suite is not None:
            return read_suite_file(args.suite)
        if group is None:
            raise UsageError(
                f'%validate {args.target}: give the rules, --rules "age: not_null, '
                'between(0, 120)" or --suite FILE.json (only a feature group has a suite of '
                "its own)"
            )
        spec = group.groups.validation.suite_of(group.record)
        if spec is None:
            raise UsageError(
                f"{group.label} has no expectation suite: give --rules or --suite, or attach "
                "one with fg.save_expectation_suite(suite)"
            )
        return spec.suite

    def _validate(self, args: argparse.Namespace) -> None:
        from ..validation import validate

        data, group = self._data(args.target, "")
        if args.save and group is None:
            raise UsageError(
                "--save stores the report with a feature group: validate a feature group "
                f"(NAME[:VERSION]), or keep the report with --out VAR (not {args.target})"
            )
        rules = self._rules(args, group)
        reference = None
        if args.reference is not None:
            reference, _ = self._data(args.reference, "--reference ")
        report = validate(
            data, rules, reference=reference, sample=args.sample, overview=args.overview
        )
        if args.out:
            self.shell.user_ns[args.out] = report
        report.show()
        if args.save:
            assert group is not None
            stored = group.groups.validation.save_report(
                group.record, report, FG_DATA, group.commit
            )
            commit = "no commit" if group.commit is None else f"commit {group.commit.commit_id}"
            print(f"saved as validation report {stored.id} of {group.label} ({commit})")
