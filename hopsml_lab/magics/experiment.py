"""``%%experiment``: run the function a cell defines as a tracked experiment."""

from __future__ import annotations

import shlex
from typing import Any

from IPython.core.magic import Magics, cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments
from IPython.display import display

from ..experiment import run
from .cell_function import CellFunctionError, define_cell_function


@magics_class
class ExperimentMagics(Magics):
    @magic_arguments()
    @argument("name", nargs="?", default=None, help="Experiment name (default: the function's).")
    @argument("--metric", default=None, help="Key of the returned dict that ranks trials.")
    @argument("--description", default=None, help="A line saying what this experiment tries.")
    @cell_magic
    def experiment(self, line: str, cell: str) -> Any:
        """Run the function the cell defines as a Spark task and record it.

        Example::

            %%experiment mnist --metric accuracy
            def train():
                ...
                return {"accuracy": acc}
        """
        # shlex, unlike IPython's parse_argstring, drops the quotes of quoted values.
        args = self.experiment.parser.parse_args(shlex.split(line))
        try:
            fn = define_cell_function(cell, self.shell.user_ns)
        except CellFunctionError as error:
            print(f"%%experiment: {error}")
            return None
        result = run(
            fn, name=args.name or fn.__name__, description=args.description, metric_key=args.metric
        )
        display(result)
        return None
