"""What a TensorBoard shows: each trial as a run named by its hyperparameters.

On a local store the runs are a folder of symbolic links, ``<experiment>/<params>``
pointing at the trials' folders; TensorBoard rescans it on every reload, so trials
added while a search runs appear by themselves. On HDFS, where links cannot point,
each experiment's folder is one ``--logdir_spec`` entry (read through fsspec's
``webhdfs://``) and runs are named ``<experiment>/<trial>``.

Experiment names, trial keys and parameters are the user's text: each becomes one
readable file name (see :func:`clean_name`), so every link lands inside the runs
folder whatever they are, and names that clean to the same one are told apart.
"""

from __future__ import annotations

import os
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..catalog import TrialLogdir

# Characters that would split a run name into folders or a --logdir_spec entry.
_UNSAFE = str.maketrans({"/": "|", ":": "=", ",": ";", "\\": "|"})
# Bytes of one file name: under the 255 of most file systems and the 143 of eCryptfs,
# with room for the " (key)" that tells equal names apart.
MAX_NAME_BYTES = 140
_ELLIPSIS = "…"


def clean_name(text: str, limit: int = MAX_NAME_BYTES) -> str:
    """``text`` as one file name that reads the same: path separators (and ``:``/``,``
    of ``--logdir_spec``) replaced, control characters (NUL, newlines, bidi marks)
    as spaces, a leading dot (``.``, ``..``, hidden files) behind ``_``, cut to
    ``limit`` bytes of UTF-8 with an ellipsis. Never empty, ``.`` or ``..``."""
    text = unicodedata.normalize("NFC", text).translate(_UNSAFE)
    text = "".join(c if c.isprintable() else " " for c in text).strip()
    if not text or text.startswith("."):
        text = "_" + text
    return _fit(text, limit)


def _fit(text: str, limit: int) -> str:
    if len(text.encode()) <= limit:
        return text
    cut = text.encode()[: limit - len(_ELLIPSIS.encode())].decode(errors="ignore")
    return cut.rstrip() + _ELLIPSIS


def _with_suffix(name: str, suffix: str) -> str:
    """``name`` then ``suffix``, the name cut so that both fit in one file name."""
    return _fit(name, MAX_NAME_BYTES - len(suffix.encode())) + suffix


def _fold(name: str) -> str:
    """What a case-blind file system (macOS, Windows) sees of a name."""
    return unicodedata.normalize("NFC", name).casefold()


def _distinct(names: Sequence[str], tags: Sequence[str]) -> list[str]:
    """``names`` (clean already) made distinct, case aside: names that several share
    get their tag, ``name (tag)``, and any still shared a number, ``name (tag) (2)``."""
    counts = Counter(_fold(n) for n in names)
    tagged = [
        _with_suffix(name, f" ({clean_name(tag, 60)})") if counts[_fold(name)] > 1 else name
        for name, tag in zip(names, tags, strict=True)
    ]
    taken = {_fold(n) for n in tagged}
    seen: set[str] = set()
    result = []
    for name in tagged:
        if _fold(name) in seen:
            number = 2
            while _fold(candidate := _with_suffix(name, f" ({number})")) in taken:
                number += 1
            name = candidate
            taken.add(_fold(name))
        seen.add(_fold(name))
        result.append(name)
    return result


def params_name(params: Mapping[str, Any], key: str) -> str:
    """``lr=0.01 dropout=0.5``; a trial without parameters is named by its key."""
    if not params:
        return key
    return " ".join(f"{name}={_short(value)}" for name, value in params.items())


def _short(value: Any) -> str:
    text = f"{value:.6g}" if isinstance(value, float) else str(value)
    return text if len(text) <= 40 else text[:39] + _ELLIPSIS


def run_names(trials: Sequence[TrialLogdir]) -> list[str]:
    """One name per trial, unique within the set (case aside), each part one clean
    file name; with several experiments each name is ``<experiment>/<run>``, the
    experiment's id added when two experiments' names clean to the same."""
    experiments = {t.experiment_id: t.experiment_name for t in trials}
    folders = dict(
        zip(
            experiments,
            _distinct([clean_name(name) for name in experiments.values()], list(experiments)),
            strict=True,
        )
    )
    names = [""] * len(trials)
    for experiment in experiments:
        group = [n for n, t in enumerate(trials) if t.experiment_id == experiment]
        runs = _distinct(
            [clean_name(params_name(trials[n].params, trials[n].key)) for n in group],
            [trials[n].key for n in group],
        )
        for n, run in zip(group, runs, strict=True):
            names[n] = f"{folders[experiment]}/{run}" if len(experiments) > 1 else run
    return names


def link_runs(folder: Path, trials: Sequence[TrialLogdir]) -> int:
    """Make (or complete) the folder of links TensorBoard reads; returns links added.

    Links are only ever added, so a running TensorBoard never loses a run; a trial
    linked already keeps its one link even when later trials change its name."""
    folder.mkdir(parents=True, exist_ok=True)
    linked = _linked(folder)
    added = 0
    for name, trial in zip(run_names(trials), trials, strict=True):
        if os.path.abspath(trial.logdir) in linked:
            continue
        link = _free(folder / name)
        _check_inside(folder, link)
        link.parent.mkdir(exist_ok=True)
        Path(trial.logdir).mkdir(parents=True, exist_ok=True)  # a trial not started yet
        os.symlink(trial.logdir, link, target_is_directory=True)
        linked.add(os.path.abspath(trial.logdir))
        added += 1
    return added


def _linked(folder: Path) -> set[str]:
    """The folders the links in ``folder`` (and its experiment folders) point at."""
    targets = set()
    for entry in folder.iterdir():
        entries = [entry] if entry.is_symlink() else entry.iterdir() if entry.is_dir() else []
        for path in entries:
            if path.is_symlink():
                targets.add(os.path.abspath(path.parent / os.readlink(path)))
    return targets


def _free(link: Path) -> Path:
    """``link``, or ``link (2)``... when a trial linked earlier holds the name."""
    candidate, number = link, 2
    while os.path.lexists(candidate):
        candidate = link.with_name(_with_suffix(link.name, f" ({number})"))
        number += 1
    return candidate


def _check_inside(folder: Path, link: Path) -> None:
    """Clean names cannot leave ``folder``; refuse rather than link elsewhere if one did."""
    parts = link.relative_to(folder).parts
    if not 1 <= len(parts) <= 2 or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"run name {str(link.relative_to(folder))!r} leaves the runs folder")


def logdir_spec(experiments: Sequence[tuple[str, str]]) -> str:
    """``name:url,...`` for ``--logdir_spec``: (experiment name, folder URL) pairs."""
    labels = _distinct(
        [clean_name(name) for name, _ in experiments],
        [str(n + 1) for n in range(len(experiments))],
    )
    return ",".join(f"{label}:{url}" for label, (_, url) in zip(labels, experiments, strict=True))
