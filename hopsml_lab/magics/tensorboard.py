"""``%tensorboard [EXPERIMENT ...]``: TensorBoard for experiments, in JupyterLab's panel."""

from __future__ import annotations

import html
import time
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from .. import tensorboard
from ..catalog import UnknownExperimentError
from ..lab import get_lab
from ..tensorboards import TensorBoardError

MIME_TYPE = "application/vnd.hopsml.tensorboard+json"


def panel_bundle(ids: list[str], names: list[str]) -> dict[str, Any]:
    """What JupyterLab with HopsML Lab renders as a TensorBoard panel (opened at once
    for a fresh output), with a line of text for any other front end."""
    label = ", ".join(names)
    return {
        MIME_TYPE: {"experiments": ids, "names": names, "created": time.time()},
        "text/plain": f"TensorBoard for {label}: open it from the HopsML sidebar.",
    }


def link_bundle(url: str, names: list[str]) -> dict[str, Any]:
    label = html.escape(", ".join(names))
    return {
        "text/html": f'<a href="{html.escape(url)}" target="_blank">TensorBoard for {label}</a>',
        "text/plain": f"TensorBoard for {', '.join(names)}: {url}",
    }


@magics_class
class TensorBoardMagics(Magics):
    @magic_arguments()
    @argument(
        "experiments",
        nargs="*",
        help="Experiment ids or names (the newest of that name); none: the newest experiment.",
    )
    @line_magic
    def tensorboard(self, line: str) -> None:
        """Show TensorBoard for one experiment or several side by side, each trial a
        run named by its hyperparameters. In JupyterLab with HopsML Lab it opens a
        panel; elsewhere it starts TensorBoard on 127.0.0.1 and prints a link."""
        args = parse_argstring(self.tensorboard, line)
        lab = get_lab()
        try:
            ids = tensorboard.resolve_experiments(lab, args.experiments)
            names = [lab.queries.resolve(lab.settings.project_name, i)[1] for i in ids]
            if lab.settings.tensorboard_proxy:
                display(panel_bundle(ids, names), raw=True)
                return
            display(link_bundle(tensorboard.launch(ids), names), raw=True)
        except (UnknownExperimentError, TensorBoardError) as error:
            raise UsageError(str(error)) from error
