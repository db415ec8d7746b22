"""'Reproduce' a trial: the experiment's snapshot notebook, opened with the trial's params.

The snapshot is what ``hopsml_lab.snapshot.write_snapshot`` left in
``<experiment folder>/_snapshot/`` when the experiment started; ``run.json`` there names
the copy of the notebook. The new notebook starts with a note and a cell that assigns
the trial's parameters, followed by the snapshot's cells (without their outputs).
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

from ..catalog import ExperimentDetail, TrialRecord
from ..errors import Conflict, NotFound
from ..store import Store
from ..store.base import StoreError

FOLDER = "reproduce"  # in the Jupyter server's contents, next to the user's notebooks


class NoSnapshotError(Conflict):
    """The experiment has no snapshot notebook to reproduce it from."""


class UnknownTrialError(NotFound):
    """The experiment has no trial with that key."""


@dataclass(frozen=True)
class SnapshotNotebook:
    path: str  # on the store
    notebook: NotebookNode


def find_trial(experiment: ExperimentDetail, key: str) -> TrialRecord:
    for trial in experiment.trials:
        if trial.key == key:
            return trial
    known = ", ".join(t.key for t in experiment.trials[:10]) or "none yet"
    raise UnknownTrialError(f"experiment {experiment.id} has no trial {key!r}; its trials: {known}")


def experiment_folder(store: Store, experiment: ExperimentDetail) -> str:
    """The experiment's folder relative to the store root (the catalog keeps its URL)."""
    root = store.url().rstrip("/")
    if experiment.logdir.startswith(root + "/"):
        return experiment.logdir[len(root) + 1 :]
    return f"Experiments/{experiment.id}"


def read_snapshot(store: Store, experiment: ExperimentDetail) -> SnapshotNotebook:
    folder = f"{experiment_folder(store, experiment)}/_snapshot"
    try:
        record = json.loads(store.read_text(f"{folder}/run.json"))
    except (StoreError, ValueError) as error:
        raise NoSnapshotError(
            f"experiment {experiment.id} has no snapshot ({folder}/run.json: {error}); "
            "run it again from a notebook to be able to reproduce it"
        ) from error
    path = record.get("notebook_snapshot") if isinstance(record, dict) else None
    if not path:
        raise NoSnapshotError(
            f"experiment {experiment.id} was not started from a notebook, so there is no "
            "snapshot notebook to reproduce it from; run it from a notebook"
        )
    try:
        notebook = nbformat.reads(store.read_text(path), as_version=4)
    except (StoreError, ValueError) as error:
        raise NoSnapshotError(
            f"experiment {experiment.id}: its snapshot notebook {path} cannot be read ({error})"
        ) from error
    return SnapshotNotebook(path=path, notebook=notebook)


def parameter_source(params: dict[str, Any]) -> str:
    """``name = value`` per parameter (a Python literal), and all of them as a dict."""
    lines = ["# The trial's parameters"]
    lines += [
        f"{name} = {value!r}"
        for name, value in params.items()
        if name.isidentifier() and not keyword.iskeyword(name)
    ]
    lines.append(f"trial_params = {params!r}")
    return "\n".join(lines)


def reproduction_notebook(
    experiment: ExperimentDetail, trial: TrialRecord, snapshot: SnapshotNotebook
) -> NotebookNode:
    metric = ""
    if experiment.metric_key and trial.metric_value is not None:
        metric = f" It reached {experiment.metric_key} = {trial.metric_value:g}."
    note = (
        f"# Reproduce {trial.key} of {experiment.name}\n\n"
        f"Experiment `{experiment.id}` ({experiment.kind}), trial `{trial.key}` "
        f"({trial.status}).{metric}\n\n"
        "The next cell sets the trial's parameters; the cells after it are the notebook "
        f"as it was when the experiment started (`{snapshot.path}`). Call the train "
        "function with `**trial_params` to run this trial alone."
    )
    cells = [new_markdown_cell(note), new_code_cell(parameter_source(trial.params))]
    for cell in snapshot.notebook.cells:
        if cell.cell_type == "code":
            cells.append(new_code_cell(cell.source))  # outputs of the original run left out
        elif cell.cell_type == "markdown":
            cells.append(new_markdown_cell(cell.source, **_attachments(cell)))
        else:
            cells.append(new_raw_cell(cell.source))
    metadata = {
        key: value
        for key, value in snapshot.notebook.metadata.items()
        if key in ("kernelspec", "language_info")
    }
    metadata["hopsml"] = {"reproduces": {"experiment": experiment.id, "trial": trial.key}}
    return new_notebook(cells=cells, metadata=metadata)


def _attachments(cell: NotebookNode) -> dict[str, Any]:
    return {"attachments": cell.attachments} if cell.get("attachments") else {}


def file_name(experiment: ExperimentDetail, trial: TrialRecord) -> str:
    stem = f"{experiment.name}-{experiment.id}-{trial.key}"
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("._") + ".ipynb"
