"""``%%experiment``: run the function a cell defines as a tracked experiment or search."""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments
from IPython.display import display

from ..experiment import ExperimentError, run, search
from ..experiments.search_space import SearchSpaceError, parse_grid, parse_random
from ..experiments.strategies import Asha, Evolution, Grid, Random, SearchStrategy
from .cell_function import CellFunctionError, define_cell_function
from .progress import NotebookProgress


def _counted(flag: str, values: list[str]) -> tuple[int, dict[str, Any]]:
    """``N NAME=DIST ...``: a number of trials, then the space."""
    count, *tokens = values
    if not count.isdigit() or int(count) < 1:
        raise UsageError(
            f"{flag} {count}: give the number of trials first, "
            f"like {flag} 16 lr=loguniform(1e-4,1e-1)"
        )
    return int(count), parse_random(tokens)


def _strategy(args: argparse.Namespace) -> SearchStrategy | None:
    """The search the options ask for, checked before anything runs (None: one run)."""
    chosen = [flag for flag in ("grid", "random", "evolve", "asha") if getattr(args, flag)]
    if len(chosen) > 1:
        raise UsageError(
            f"choose one of --grid, --random, --evolve, --asha (got {', '.join(chosen)})"
        )
    if args.early_stop and (args.asha or not chosen):
        raise UsageError(
            f"--early-stop {args.early_stop} stops the trials of a --grid, --random or "
            "--evolve search"
            + (": --asha already stops trials by their budget" if args.asha else "")
        )
    try:
        if args.grid:
            return Grid(parse_grid(args.grid), seed=args.seed)
        if args.asha:
            count, space = _counted("--asha", args.asha)
            factor = 2 if args.reduction_factor is None else args.reduction_factor
            return Asha(space, count, args.max_budget, factor, seed=args.seed)
        if args.random:
            count, space = _counted("--random", args.random)
            return Random(space, count, seed=args.seed)
        if args.evolve:
            return Evolution(
                parse_random(args.evolve),
                generations=args.generations,
                population=args.population,
                seed=args.seed,
            )
    except SearchSpaceError as error:
        raise UsageError(str(error)) from error
    return None


def _words(line: str) -> list[str]:
    """The line's words; shlex, unlike IPython's parse_argstring, drops the quotes of
    quoted values."""
    try:
        return shlex.split(line)
    except ValueError as error:  # an unbalanced quote
        raise UsageError(f"{error} in: {line.strip()[:200]} (close the quote)") from error


@magics_class
class ExperimentMagics(Magics):
    @magic_arguments()
    @argument("name", nargs="?", default=None, help="Experiment name (default: the function's).")
    @argument(
        "--metric",
        default=None,
        help="Key of the returned dict that ranks trials (searches: default 'metric').",
    )
    @argument(
        "--direction",
        default="max",
        type=str.lower,
        choices=["max", "min"],
        help="Whether a larger or a smaller metric is better (default max).",
    )
    @argument("--description", default=None, help="A line saying what this experiment tries.")
    @argument(
        "--grid",
        nargs="+",
        metavar="NAME=V1,V2",
        help="Grid search: one trial per combination, e.g. --grid lr=0.01,0.1 layers=2,3",
    )
    @argument(
        "--random",
        nargs="+",
        metavar="N NAME=DIST",
        help="Random search of N trials; DIST is uniform(a,b), loguniform(a,b), "
        "int(a,b) or choice(x,y,...), e.g. --random 20 lr=loguniform(1e-4,1e-1)",
    )
    @argument(
        "--evolve",
        nargs="+",
        metavar="NAME=DIST",
        help="Differential evolution over uniform(a,b) / int(a,b) ranges.",
    )
    @argument(
        "--asha",
        nargs="+",
        metavar="N NAME=DIST",
        help="ASHA search of N trials with early stopping by successive halving; the "
        "function also takes `budget` (1 up to --max-budget), e.g. --asha 16 "
        "lr=loguniform(1e-4,1e-1)",
    )
    @argument(
        "--slots",
        type=int,
        default=None,
        metavar="N",
        help="Run at most N trials at once (default: one per Spark core).",
    )
    @argument(
        "--gpus-per-trial",
        type=int,
        default=0,
        metavar="N",
        help="Give each trial N GPUs of its own (Spark's task GPU amount; the trial sees "
        "only those, through CUDA_VISIBLE_DEVICES). Trials wait for free GPUs.",
    )
    @argument("--max-budget", type=int, default=4, help="--asha: the largest budget (4).")
    @argument(
        "--reduction-factor",
        type=int,
        default=None,
        help="--asha: each promotion multiplies the budget by this and keeps 1 in this "
        "many trials (2). --early-stop asha: the rungs are this many times further apart "
        "each, and 1 in this many trials goes on at each (3).",
    )
    @argument(
        "--early-stop",
        choices=["asha", "median"],
        default=None,
        help="Stop hopeless trials of a --grid, --random or --evolve search while they "
        "train: the function takes `reporter` and calls reporter.broadcast(metric) each "
        "epoch. asha: judged at report --grace, then every --reduction-factor times as "
        "many, a trial goes on only in the top 1/--reduction-factor; median: a trial worse "
        "than the median of finished ones stops.",
    )
    @argument(
        "--grace",
        type=int,
        default=3,
        metavar="N",
        help="--early-stop: reports a trial always gets before it may be stopped (3).",
    )
    @argument(
        "--seed",
        type=int,
        default=None,
        help="Fixes the draws of --random, --evolve and --asha, and the order a --grid "
        "with --early-stop runs in.",
    )
    @argument("--generations", type=int, default=4, help="--evolve: generations (default 4).")
    @argument("--population", type=int, default=6, help="--evolve: population (default 6).")
    @line_cell_magic
    def experiment(self, line: str, cell: str | None = None) -> Any:
        """Run the function the cell defines on Spark and record it; its parameters are
        the hyperparameters a search sets.

        Examples::

            %%experiment mnist --metric accuracy
            def train():
                ...
                return {"accuracy": acc}

            %%experiment mnist --metric accuracy --grid lr=0.001,0.01 dropout=0.1,0.5
            def train(lr, dropout):
                ...

            %%experiment mlp --metric val_loss --direction min --early-stop asha --grid lr=0.01,0.1
            def train(lr, reporter):
                for epoch in range(27):
                    ...
                    reporter.broadcast(val_loss)   # judged at reports 3, 9, 27
        """
        words = _words(line)
        if cell is None:  # %experiment: the line magic only explains the cell magic
            if {"-h", "--help"} & set(words):
                print(self.experiment.parser.format_help())
                return None
            raise UsageError(
                "%%experiment runs the function its cell defines: put %%experiment (two %) "
                "on the first line of a cell, with the function below; "
                "%experiment --help lists the options"
            )
        if {"-h", "--help"} & set(words):
            print(self.experiment.parser.format_help())
            return None
        args = self.experiment.parser.parse_args(words)
        if args.slots is not None and args.slots < 1:
            raise UsageError(f"--slots {args.slots}: give how many trials may run at once, 1+")
        if args.gpus_per_trial < 0:
            raise UsageError(f"--gpus-per-trial {args.gpus_per_trial}: give 0 or more GPUs")
        strategy = _strategy(args)
        try:
            fn = define_cell_function(cell, self.shell.user_ns)
        except CellFunctionError as error:
            raise UsageError(str(error)) from error
        name = args.name or fn.__name__
        progress = NotebookProgress(name, args.metric or "metric", args.direction)
        try:
            if strategy is not None:
                result = search(
                    fn,
                    strategy,
                    direction=args.direction,
                    metric_key=args.metric or "metric",
                    name=name,
                    description=args.description,
                    early_stop=args.early_stop,
                    grace_period=args.grace,
                    reduction_factor=3 if args.reduction_factor is None else args.reduction_factor,
                    progress=progress,
                    slots=args.slots,
                    gpus=args.gpus_per_trial,
                )
            else:
                result = run(
                    fn,
                    name=name,
                    description=args.description,
                    metric_key=args.metric,
                    progress=progress,
                    slots=args.slots,
                    gpus=args.gpus_per_trial,
                )
        except ExperimentError as error:
            raise UsageError(str(error)) from error
        display(result)
        return None
