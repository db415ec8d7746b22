"""What a TensorBoard shows: each trial as a run named by its hyperparameters.

On a local store the runs are a folder of symbolic links, ``<experiment>/<params>``
pointing at the trials' folders; TensorBoard rescans it on every reload, so trials
added while a search runs appear by themselves. On HDFS, where links cannot point,
each experiment's folder is one ``--logdir_spec`` entry (read through fsspec's
``webhdfs://``) and runs are named ``<experiment>/<trial>``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..catalog import TrialLogdir

# Characters that would split a run name into folders or a --logdir_spec entry.
_UNSAFE = str.maketrans({"/": "|", ":": "=", ",": ";", "\\": "|", "\n": " "})


def params_name(params: Mapping[str, Any], key: str) -> str:
    """``lr=0.01 dropout=0.5``; a trial without parameters is named by its key."""
    if not params:
        return key
    return " ".join(f"{name}={_short(value)}" for name, value in params.items())


def _short(value: Any) -> str:
    text = f"{value:.6g}" if isinstance(value, float) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def run_names(trials: Sequence[TrialLogdir]) -> list[str]:
    """One name per trial, unique within the set; with several experiments each
    name starts with its experiment's name (and its id when two share a name)."""
    experiments = {t.experiment_id: t.experiment_name for t in trials}
    shared = Counter(experiments.values())
    names: list[str] = []
    for trial in trials:
        name = params_name(trial.params, trial.key).translate(_UNSAFE)
        if len(experiments) > 1:
            folder = trial.experiment_name
            if shared[folder] > 1:
                folder = f"{folder} ({trial.experiment_id})"
            name = f"{folder.translate(_UNSAFE)}/{name}"
        names.append(name)
    counts = Counter(names)
    return [
        f"{name} ({trial.key})" if counts[name] > 1 else name
        for name, trial in zip(names, trials, strict=True)
    ]


def link_runs(folder: Path, trials: Sequence[TrialLogdir]) -> int:
    """Make (or complete) the folder of links TensorBoard reads; returns links added.

    Links are only ever added, so a running TensorBoard never loses a run."""
    added = 0
    for name, trial in zip(run_names(trials), trials, strict=True):
        link = folder / name
        if link.is_symlink():
            continue
        link.parent.mkdir(parents=True, exist_ok=True)
        Path(trial.logdir).mkdir(parents=True, exist_ok=True)  # a trial not started yet
        os.symlink(trial.logdir, link, target_is_directory=True)
        added += 1
    return added


def logdir_spec(experiments: Sequence[tuple[str, str]]) -> str:
    """``name:url,...`` for ``--logdir_spec``: (experiment name, folder URL) pairs."""
    counts = Counter(name for name, _ in experiments)
    entries = []
    for n, (name, url) in enumerate(experiments):
        label = (name if counts[name] == 1 else f"{name} {n + 1}").translate(_UNSAFE)
        entries.append(f"{label}:{url}")
    return ",".join(entries)
