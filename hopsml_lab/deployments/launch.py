"""Deploying a registered model version in one call, as the ``%deploy`` magic does: pick
the version (a number, the newest, or the model the best trial of an experiment saved),
deploy it through hsml's ``Model.deploy`` (the deployment service), start it and wait
until it answers; then the addresses a client calls.

>>> pick = best_trial_model("last", "accuracy")                          # doctest: +SKIP
>>> record = deploy_version(pick.model)                                  # doctest: +SKIP
>>> endpoints(record).rest_url                                           # doctest: +SKIP
'http://127.0.0.1:40123/v1/models/iris:predict'
"""

from __future__ import annotations

import json
import math
import shlex
import urllib.request
from dataclasses import dataclass
from typing import Any

from ..catalog import ModelRecord
from ..catalog.deployments import DeploymentRecord
from ..catalog.experiments.records import ExperimentDetail, TrialRecord, TrialStatus
from ..errors import BadInput, NotFound, clip
from ..lab import Lab, get_lab
from ..registry import ModelNotFound, Registry
from .client import predict_url
from .service import RUNNING, STARTING, DeploymentConflict, DeploymentService, base_url

LAST = "last"
"""What ``experiment`` says for the project's newest experiment."""


class TrialModelNotFound(NotFound):
    """The chosen trial saved no model version (or none of that name)."""


@dataclass(frozen=True)
class TrialPick:
    """The best trial of an experiment by a metric, and the model version it saved."""

    experiment_id: str
    experiment_name: str
    trial_key: str
    metric: str
    value: float
    direction: str  # "max" or "min"
    model: ModelRecord


@dataclass(frozen=True)
class Endpoints:
    """Where a running deployment answers, and a request that works."""

    name: str
    model_name: str
    model_version: int
    base_url: str
    rest_url: str  # TF Serving REST: POST {"instances": [...]}
    v2_url: str  # Open Inference Protocol V2: POST {"inputs": [tensor]}
    curl: str  # one line, with a body the model accepts


def default_name(model_name: str) -> str:
    """The deployment name hsml gives a model: its name without non-alphanumerics."""
    from ..hsml.model import Model

    return Model(None, model_name)._get_default_serving_name()


def pick_version(model_name: str, version: int | None = None) -> ModelRecord:
    """Version ``version`` of ``model_name``, or its newest version."""
    lab = get_lab()
    registry = Registry(lab.store, lab)
    if version is not None:
        return registry.require(model_name, version)
    versions = registry.versions(model_name)
    if not versions:
        known = sorted({r.name for r in lab.models.list_models(registry.project_name)})
        raise ModelNotFound(
            f"no model {clip(model_name)!r} in the registry of project "
            f"{registry.project_name}: "
            + (f"its models are {known}" if known else "save one first (model.save(path))")
        )
    return versions[0]


def best_trial_model(
    experiment: str | None,
    metric: str | None = None,
    *,
    direction: str | None = None,
    model_name: str | None = None,
) -> TrialPick:
    """The model version saved by the best trial of ``experiment`` (an id, a name, or
    ``"last"``/None for the newest) by ``metric`` (default: the experiment's metric),
    larger or smaller being better as ``direction`` says (default: the experiment's)."""
    lab = get_lab()
    reference = None if experiment in (None, LAST) else experiment
    experiment_id, _ = lab.queries.resolve(lab.settings.project_name, reference)
    detail = lab.queries.get_experiment(experiment_id, series=False)
    metric = metric or detail.metric_key
    if not metric:
        raise BadInput(
            f"experiment {detail.name} ({detail.id}) ranks its trials by no metric: say which "
            "one picks the best trial (metric=..., --metric NAME)"
        )
    way = _direction(direction, detail)
    trial, value = _best_trial(detail, metric, way)
    models = [
        m
        for m in lab.models.list_models(lab.settings.project_name, model_name)
        if m.experiment_id == detail.id and m.trial_key == trial.key
    ]
    if not models:
        what = f"a model {model_name!r}" if model_name else "a model"
        raise TrialModelNotFound(
            f"the best trial of experiment {detail.name} by {metric} ({trial.key}, "
            f"{metric}={value:g}) registered no {what[2:]}: save {what} inside the train "
            "function (mr.sklearn.create_model(...).save(path), or hops' "
            "model.export(path, name)), run the experiment again, or deploy a registered "
            "version by name"
        )
    if len({m.name for m in models}) > 1 and model_name is None:
        names = sorted({m.name for m in models})
        raise BadInput(
            f"trial {trial.key} of experiment {detail.name} registered models {names}: name "
            "the one to deploy"
        )
    return TrialPick(detail.id, detail.name, trial.key, metric, value, way, models[0])


def _direction(direction: str | None, detail: ExperimentDetail) -> str:
    way = (direction or detail.direction or "max").lower()
    if way not in ("max", "min"):
        raise BadInput(f"direction={clip(direction)!r}: use 'max' or 'min'")
    return way


def _best_trial(detail: ExperimentDetail, metric: str, way: str) -> tuple[TrialRecord, float]:
    scored = [
        (t, float(t.results[metric]))
        for t in detail.trials
        if t.status == TrialStatus.FINISHED and _number(t.results.get(metric))
    ]
    if not scored:
        reported = sorted({k for t in detail.trials for k, v in t.results.items() if _number(v)})
        raise BadInput(
            f"no finished trial of experiment {detail.name} ({detail.id}) reports {metric!r}"
            + (
                f": its trials report {reported}; give one of those"
                if reported
                else ": none of its trials returned a number"
            )
        )
    pick = max if way == "max" else min
    return pick(scored, key=lambda pair: pair[1])  # ties: the first trial


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def deploy_version(
    record: ModelRecord,
    *,
    name: str | None = None,
    instances: int | None = None,
    script_file: str | None = None,
    timeout: float = 600.0,
) -> DeploymentRecord:
    """Deploy model version ``record`` as hsml's ``model.deploy()`` does, start it and
    wait until it answers. A running deployment of that name serving this version
    already is returned as it is; one serving another version of the model rolls out to
    this one (its old servers answer until the new ones do); one serving another model
    must be stopped first. ``instances`` defaults to what the deployment has (else 1)."""
    from ..hsml.constants import MODEL
    from ..hsml.model import Model

    service = DeploymentService.here()
    name = name if name is not None else default_name(record.name)
    current = service.get(name, missing_ok=True)
    if instances is None:
        instances = current.instances if current is not None else 1
    if current is not None and current.model_name == record.name and script_file is None:
        script_file = current.script_file  # a new version keeps its predictor script
    if current is not None and current.state in (STARTING, RUNNING):
        if current.model_name != record.name:
            raise DeploymentConflict(
                f"deployment {name} is {current.state.lower()} with model "
                f"{current.model_name} version {current.model_version}: stop it first "
                f"(%deploy --stop {name}, or deployment.stop()), or give this one another name"
            )
        same = (current.model_version, current.instances) == (record.version, instances)
        if same and script_file == current.script_file:
            return service.start(name, timeout=timeout)
    if record.framework == MODEL.FRAMEWORK_PYTHON and not script_file:
        raise BadInput(
            f"model {record.name} is a Python model: give its predictor script, a .py file "
            "with a Predict class (script_file=..., --script FILE)"
        )
    model = Model._from_record(record, service.lab.settings.project_name)
    resources = None if instances == 1 else {"num_instances": instances}
    model.deploy(name=name, script_file=script_file, resources=resources)
    return service.start(name, timeout=timeout)


def endpoints(record: DeploymentRecord) -> Endpoints:
    """The URLs of running deployment ``record`` and a one-line curl request whose body
    is the model's input example, else zeros of the shape its server announces."""
    base = base_url(record)
    rest = predict_url(record)
    body = json.dumps({"instances": _example_rows(record, base)}, separators=(",", ":"))
    curl = f"curl -s -X POST -H 'Content-Type: application/json' -d {shlex.quote(body)} {rest}"
    return Endpoints(
        record.name,
        record.model_name,
        record.model_version,
        base,
        rest,
        f"{base}/v2/models/{record.name}/infer",
        curl,
    )


def _example_rows(record: DeploymentRecord, base: str) -> list[Any]:
    lab: Lab = get_lab()
    model = lab.models.get_model(lab.settings.project_name, record.model_name, record.model_version)
    example = None if model is None else model.input_example
    if example is not None:
        rows = example if isinstance(example, list) and example else [example]
        return rows if all(isinstance(r, list | dict) for r in rows) else [rows]
    width = 1
    try:  # the V2 metadata says the input's shape, as [-1, width]
        with urllib.request.urlopen(f"{base}/v2/models/{record.name}", timeout=5) as answer:
            shape = json.loads(answer.read())["inputs"][0]["shape"]
        width = int(shape[-1]) if len(shape) > 1 and int(shape[-1]) > 0 else 1
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        pass
    return [[0.0] * width]
