"""Running one trial inside a Spark task: call the function, keep its output."""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import math
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..store import Store
from .context import TrialContext, enter_trial, leave_trial
from .reporter import EarlyStopException, Reporter
from .trial_records import TrialOutcome, TrialSpec

__all__ = ["TrialOutcome", "TrialSpec", "keep_files", "normalise_results", "run_trial"]


class _Tee(io.TextIOBase):
    """Keeps what a trial prints and still passes it to the executor's own stream."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.buffer_text = io.StringIO()

    def write(self, text: str) -> int:
        self.buffer_text.write(text)
        with contextlib.suppress(Exception):
            self.stream.write(text)
        return len(text)

    def flush(self) -> None:
        with contextlib.suppress(Exception):
            self.stream.flush()


def normalise_results(returned: Any) -> dict[str, Any]:
    """A number becomes {'metric': n}; a dict is kept; None is {} (as hops does)."""
    if returned is None:
        return {}
    if isinstance(returned, Mapping):
        return {str(k): _jsonable(v) for k, v in returned.items()}
    if isinstance(returned, (int, float)) and not isinstance(returned, bool):
        return {"metric": _jsonable(returned)}
    if hasattr(returned, "item"):  # numpy / tensor scalars
        return {"metric": _jsonable(returned.item())}
    raise TypeError(
        f"the train function returned {type(returned).__name__}: return a number or a "
        "dict of metrics (and file names)"
    )


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        with contextlib.suppress(Exception):
            value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return str(value)


def keep_files(results: dict[str, Any], store: Store, logdir: str) -> dict[str, Any]:
    """Copy files the trial names in its results (plots, logs) next to it on the store.

    The value becomes the file's project-relative path, as hops does.
    """
    kept = dict(results)
    for key, value in results.items():
        if not isinstance(value, str) or len(value) > 4096 or "\n" in value:
            continue
        path = Path(value).expanduser()
        if path.is_file():
            target = f"{logdir}/{path.name}"
            store.write_bytes(target, path.read_bytes())
            kept[key] = target
    return kept


def _arguments(fn: Callable[..., Any], params: Mapping[str, Any], reporter: Reporter) -> dict:
    """The trial's parameters as keywords, plus ``reporter`` when the function takes one."""
    kwargs = dict(params)
    try:
        accepted = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return kwargs
    if "reporter" in accepted:
        kwargs["reporter"] = reporter
    return kwargs


def run_trial(
    fn: Callable[..., Any],
    spec: TrialSpec,
    store: Store,
    experiment_id: str,
    reporter: Reporter | None = None,
) -> TrialOutcome:
    """Call ``fn(**spec.params)`` with output captured; never raises for the trial's errors."""
    store.makedirs(spec.logdir)
    reporter = reporter or Reporter(None, 0, spec.key)
    out, err = _Tee(sys.stdout), _Tee(sys.stderr)
    context = TrialContext(experiment_id, spec.key, spec.logdir, store, reporter)
    token = enter_trial(context)
    started = time.time()
    outcome = TrialOutcome(key=spec.key, ok=False, started_at=started)
    workdir, previous_cwd = tempfile.mkdtemp(prefix="hopsml-trial-"), os.getcwd()
    try:
        # Each trial works in its own folder: files it names in its results are its own.
        os.chdir(workdir)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            returned = normalise_results(fn(**_arguments(fn, spec.params, reporter)))
        outcome.results = keep_files(returned, store, spec.logdir)
        outcome.ok = True
    except EarlyStopException as stop:
        outcome.ok, outcome.stopped_early = True, True
        outcome.results = {} if stop.metric is None else {reporter.metric_name: stop.metric}
    except Exception:
        outcome.error = traceback.format_exc()
    finally:
        os.chdir(previous_cwd)
        shutil.rmtree(workdir, ignore_errors=True)
        leave_trial(token)
        with contextlib.suppress(Exception):
            reporter.close()
        outcome.duration_s = time.time() - started
    outcome.models = list(context.exported_models)
    outcome.stdout = out.buffer_text.getvalue()
    store.write_text(f"{spec.logdir}/stdout.log", outcome.stdout)
    errors = err.buffer_text.getvalue()
    if errors:  # each durable file costs an fsync, the bulk of an instant trial's time
        store.write_text(f"{spec.logdir}/stderr.log", errors)
    document = {"params": dict(spec.params), "results": outcome.results, "error": outcome.error}
    store.write_text(f"{spec.logdir}/trial.json", json.dumps(document, indent=2, default=str))
    return outcome
