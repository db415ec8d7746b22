"""hsml's ``scaling_config`` and model tags on the local registry and serving: a
``PredictorScalingConfig`` sets how many model-server processes a deployment runs (its
``min_instances``, winning over ``resources``), with hsml's defaults and JSON shape; tags
are kept on the model version (any JSON value), read back by another handle, and refused
with a clear message when they cannot be kept."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from hopsml_lab import hopsworks
from hopsml_lab.errors import BadInput
from hopsml_lab.hsml.model import Model
from hopsml_lab.hsml.predictor import Predictor
from hopsml_lab.hsml.scaling_config import (
    Autoscaler,
    ComponentScalingConfig,
    PredictorScalingConfig,
    ScaleMetric,
    TransformerScalingConfig,
)
from hopsml_lab.hsml.tag import Tag
from hopsml_lab.lab import Lab
from hopsml_lab.registry import ModelTagNotFound

from .serving_models import saved_lin, serving_lab

pytestmark = [
    pytest.mark.filterwarnings("ignore::hopsml_lab.registry.errors.ProvenanceWarning"),
    pytest.mark.timeout(180),
]


@pytest.fixture(scope="module")
def plab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from serving_lab(tmp_path_factory, "scaling")


@pytest.fixture(scope="module")
def script(plab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return saved_lin(tmp_path_factory)


def test_scaling_config_defaults_and_json_are_hsmls() -> None:
    config = PredictorScalingConfig(min_instances=2, scale_metric="rps", target=50)
    assert config.scale_metric is ScaleMetric.RPS and config.max_instances is None
    assert config.to_dict() == {
        "predictorScalingConfig": {"minInstances": 2, "scaleMetric": "RPS", "target": 50}
    }
    again = PredictorScalingConfig.from_json({"predictor_scaling_config": config.to_json()})
    assert (again.min_instances, again.scale_metric, again.target) == (2, ScaleMetric.RPS, 50)
    with pytest.raises(ValueError, match="min_instances is a required field"):
        PredictorScalingConfig(max_instances=3)
    with pytest.raises(ValueError, match="Invalid scale_metric: fast"):
        PredictorScalingConfig(min_instances=1, scale_metric="fast")
    config.autoscaler = "keda"
    assert config.autoscaler is Autoscaler.KEDA
    assert PredictorScalingConfig(min_instances=3, idle_scale_to_zero=True).min_instances == 0
    default = ComponentScalingConfig.get_default_scaling_configuration("DEFAULT", None)
    assert isinstance(default, PredictorScalingConfig) and default.min_instances == 1
    knative = ComponentScalingConfig.get_default_scaling_configuration(
        "KSERVE", 2, component_type="transformer"
    )
    assert isinstance(knative, TransformerScalingConfig)
    assert (knative.scale_metric, knative.target, knative.stable_window_seconds) == (
        ScaleMetric.CONCURRENCY,
        100,
        60,
    )
    with pytest.raises(ValueError, match="cannot be 0 for deployments not using KServe"):
        ComponentScalingConfig.get_default_scaling_configuration("DEFAULT", 0)


def test_min_instances_is_the_number_of_processes_and_wins_over_resources() -> None:
    model = Model(1, "m", version=1, framework="SKLEARN")
    made = Predictor.for_model(
        model,
        name="d",
        resources={"num_instances": 3},
        scaling_configuration={"min_instances": 2},
    )
    assert made.requested_instances == 2 and made.scaling_configuration.min_instances == 2
    assert made.to_dict()["predictorScalingConfig"] == {"minInstances": 2}
    plain = Predictor.for_model(model, name="d", resources={"num_instances": 3})
    assert plain.scaling_configuration.min_instances == 3
    with pytest.raises(BadInput, match="scale to zero is not offered"):
        Predictor.for_model(model, name="d", scaling_configuration={"min_instances": 0})
    with pytest.raises(BadInput, match="max_instances=1 is below min_instances=2"):
        Predictor.for_model(
            model,
            name="d",
            scaling_configuration=PredictorScalingConfig(min_instances=2, max_instances=1),
        )
    with pytest.warns(UserWarning, match="do not autoscale: 1 processes run"):
        Predictor.for_model(
            model,
            name="d",
            scaling_configuration=PredictorScalingConfig(min_instances=1, max_instances=4),
        )


def test_a_deployment_runs_min_instances_processes(plab: Lab, script: Path) -> None:
    mr = hopsworks.login().get_model_registry()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # min == max: no autoscaling warning
        deployment = mr.get_model("lin", 1).deploy(
            name="scaled",
            script_file=str(script),
            scaling_configuration=PredictorScalingConfig(min_instances=2, max_instances=2),
        )
    deployment.start(await_running=120)
    try:
        state = deployment.get_state()
        assert state.status == "Running" and state.available_predictor_instances == 2
        served = hopsworks.login().get_model_serving().get_deployment("scaled")
        assert served.predictor.scaling_configuration.min_instances == 2
    finally:
        deployment.stop()
    assert deployment.get_state().available_predictor_instances == 0


def test_model_tags_are_kept_on_the_version(plab: Lab, script: Path, tmp_path: Path) -> None:
    mr = hopsworks.login().get_model_registry()
    model = mr.get_model("lin", 1)
    assert model.get_tags() == {} and model.get_tag("owner") is None
    model.add_tag("owner", {"team": "churn", "people": ["ada"]})
    model.add_tag("stage", "staging")
    model.add_tag("stage", "production")  # replaces the old value
    again = mr.get_model("lin", 1)  # another handle reads what the first wrote
    assert again.get_tags() == {
        "owner": {"team": "churn", "people": ["ada"]},
        "stage": "production",
    }
    again.delete_tag("stage")
    assert model.get_tag("stage") is None and list(model.get_tags()) == ["owner"]
    with pytest.raises(ModelTagNotFound, match=r"has no tag 'stage'; its tags are \['owner'\]"):
        model.delete_tag("stage")
    with pytest.raises(BadInput, match="its value must be JSON"):
        model.add_tag("bad", {1, 2})
    with pytest.raises(ValueError, match="Tag value cannot be None"):
        model.add_tag("bad", None)
    with pytest.deprecated_call():
        model.set_tag("legacy", 1)
    assert model.get_tag("legacy") == 1
    # the tags are not among the model files a deployment downloads
    assert not (Path(model.download(str(tmp_path / "files"))) / "tags.json").exists()


def test_tags_given_at_creation_are_attached_when_saved(plab: Lab, tmp_path: Path) -> None:
    mr = hopsworks.login().get_model_registry()
    (tmp_path / "w.txt").write_text("1")
    made = mr.python.create_model(
        "tagged", tags=[Tag("owner", "ada"), {"name": "reviewed", "value": True}]
    )
    made.save(str(tmp_path / "w.txt"))
    assert mr.get_model("tagged", 1).get_tags() == {"owner": "ada", "reviewed": True}
    with pytest.raises(BadInput, match="its value must be JSON"):
        mr.python.create_model("tagged", tags={"name": "x", "value": object()})
