"""``%optimize``: convert a registered TensorFlow model to TensorFlow Lite from a notebook
line, register it as a new version, and show its figures beside the original's::

    %optimize churn                              # the newest version not itself optimized
    %optimize churn --version 1 --method int8 --metric accuracy
    %optimize churn --test X_test y_test --target churn_lite --out result

The work is ``hopsml_lab.model.optimize`` (``registry.optimize``); this module parses and
shows.
"""

from __future__ import annotations

import argparse
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class

from ..errors import HopsMLError
from ..registry.optimize_figures import METRICS
from ..registry.tflite import METHODS
from .featurestore import _HelpShown, _Parser, _variable, _version, _words


def _runs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of runs, 1 or more")
    return int(text)


def build_parser() -> _Parser:
    parser = _Parser(
        prog="%optimize",
        description="Convert a registered TensorFlow model version (Keras or SavedModel) to "
        "TensorFlow Lite, measure it against the original (size, latency per row at batch "
        "1, a metric on the test rows) and register it as the next version.",
        epilog="The test rows: the test split of the training dataset the version was "
        "saved with (feature_view=), or --test X_test y_test.",
    )
    parser.add_argument("model", help="The model's name in the registry.")
    parser.add_argument(
        "--version",
        type=_version,
        metavar="N",
        help="The version to convert (default: the newest one that is not itself optimized).",
    )
    parser.add_argument(
        "--method",
        choices=METHODS,
        default="float16",
        help="float16 (about half the size), dynamic-int8 (int8 weights, about a quarter) or "
        "int8 (full integer, calibrated on training rows). Default: float16.",
    )
    parser.add_argument(
        "--metric",
        choices=METRICS,
        help="What to compare on the test rows (default: accuracy for class labels, mae "
        "otherwise).",
    )
    parser.add_argument(
        "--test",
        nargs=2,
        type=_variable,
        metavar=("X", "Y"),
        help="Variables holding the test features and labels, instead of the test split.",
    )
    parser.add_argument("--target", metavar="NAME", help="Register under this model name instead.")
    parser.add_argument(
        "--runs", type=_runs, default=200, metavar="N", help="Latency runs per model (200)."
    )
    parser.add_argument(
        "--out", type=_variable, metavar="VAR", help="Put the OptimizationResult in VAR."
    )
    return parser


PARSER = build_parser()


@magics_class
class OptimizeMagics(Magics):
    @line_magic
    def optimize(self, line: str) -> None:
        """Convert a registered TensorFlow model to TensorFlow Lite and show its figures.

        ``%optimize --help`` lists the options. Examples::

            %optimize churn --version 1 --method int8
            %optimize churn --test X_test y_test --metric mae
        """
        try:
            args = PARSER.parse_args(_words(line))
        except _HelpShown:
            return None
        try:
            self._optimize(args)
        except HopsMLError as error:
            raise UsageError(str(error)) from None
        return None

    def _variable(self, name: str) -> Any:
        if name not in self.shell.user_ns:
            raise UsageError(f"--test: no variable {name!r} in the notebook")
        return self.shell.user_ns[name]

    def _optimize(self, args: argparse.Namespace) -> None:
        from IPython.display import display

        from ..model import optimize

        test = None
        if args.test is not None:
            test = (self._variable(args.test[0]), self._variable(args.test[1]))
        version = args.version if args.version is not None else _newest_source(args.model)
        result = optimize(
            args.model,
            version,
            args.method,
            test_data=test,
            metric=args.metric,
            target_name=args.target,
            runs=args.runs,
        )
        if args.out:
            self.shell.user_ns[args.out] = result
        display(result)


def _newest_source(name: str) -> int:
    """The newest version of ``name`` that is not an optimized one."""
    from ..registry import Registry
    from ..registry.optimize import LINEAGE

    registry = Registry.here()
    versions = registry.versions(name)
    for record in versions:
        if registry.read_json(record, LINEAGE) is None:
            return record.version
    if versions:
        raise UsageError(
            f"every version of model {name} is an optimized one: name the original with --version N"
        )
    raise UsageError(f"no model {name!r} in the registry: save one first")
