"""Every hsml 5.2.1 module path mirrored so far imports from hopsml_lab.hsml with the real
public names, and the registry's functions keep the real parameters and defaults.

The lists were taken from hopsworks 5.2.1's hsml/ sources. Left out: ``core`` (REST
clients), ``engine``, ``client`` internals, and serving modules with nothing to run
locally (``deployment_version``, ``deployment_schema``, tracing and logging configs).
"""

from __future__ import annotations

import importlib

import pytest

from tests.test_import_paths import (
    _ours,
    _real,
    _resolve,
)

HSML_PATHS: dict[str, list[str]] = {
    "hsml": ["connection"],
    "hsml.connection": ["Connection", "HOPSWORKS_PORT_DEFAULT", "HOSTNAME_VERIFICATION_DEFAULT"],
    "hsml.model_registry": ["ModelRegistry"],
    "hsml.model": ["Model"],
    "hsml.model_schema": ["ModelSchema"],
    "hsml.schema": ["Schema"],
    "hsml.constants": ["MODEL", "MODEL_REGISTRY"],
    "hsml.util": ["VersionWarning", "ProvenanceWarning", "_validate_metrics"],
    "hsml.client": [],
    "hsml.client.exceptions": ["ModelRegistryException"],
    "hsml.utils": [],
    "hsml.utils.schema": [],
    "hsml.utils.schema.column": ["Column"],
    "hsml.utils.schema.columnar_schema": ["ColumnarSchema"],
    "hsml.utils.schema.tensor": ["Tensor"],
    "hsml.utils.schema.tensor_schema": ["TensorSchema"],
    **{
        f"hsml.{kind}{leaf}": names
        for kind in ("python", "sklearn", "tensorflow", "torch", "llm")
        for leaf, names in ((".model", ["Model"]), (".signature", ["create_model"]), ("", []))
    },
    "hsml.resources": [
        "Resources", "ComponentResources", "PredictorResources", "TransformerResources",
    ],
    "hsml.inference_batcher": ["InferenceBatcher"],
    "hsml.deployable_component": ["DeployableComponent"],
    "hsml.transformer": ["Transformer"],
    "hsml.predictor_state_condition": ["PredictorStateCondition"],
    "hsml.version": ["__version__"],
    "hsml.scaling_config": [
        "ScaleMetric", "Autoscaler", "LogPersistence", "ComponentScalingConfig",
        "PredictorScalingConfig", "TransformerScalingConfig",
    ],
    "hsml.tag": ["Tag"],
    **{
        f"hsml.{kind}.predictor": ["Predictor"]
        for kind in ("python", "sklearn", "tensorflow", "torch")
    },
}  # fmt: skip

CREATE_MODEL = (
    "name, version=None, metrics=None, description=None, input_example=None, "
    "model_schema=None, feature_view=None, training_dataset_version=None, tags=None"
)
MODEL_INIT = (
    "self, id, name, version=None, created=None, creator=None, environment=None, "
    "description=None, project_name=None, metrics=None, program=None, user_full_name=None, "
    "model_schema=None, input_example=None, framework=None, model_registry_id=None, "
    "tags=None, href=None, feature_view=None, training_dataset_version=None, "
    "missing_mandatory_tags=None, **kwargs"
)
REAL_SIGNATURES = {
    **{
        f"hsml.{kind}.signature.create_model": CREATE_MODEL
        for kind in ("python", "sklearn", "tensorflow", "torch", "llm")
    },
    "hsml.model.Model.__init__": MODEL_INIT,
    "hsml.model.Model.save": (
        "self, model_path, await_registration=480, keep_original_files=False, "
        "upload_configuration=None"
    ),
    "hsml.model.Model.download": "self, local_path=None",
    "hsml.model.Model.delete": "self",
    "hsml.model.Model.get_feature_view": "self, init=True, online=False",
    "hsml.model_registry.ModelRegistry.__init__": (
        "self, project_name, project_id, model_registry_id, "
        "shared_registry_project_name=None, **kwargs"
    ),
    "hsml.model_registry.ModelRegistry.get_model": "self, name, version=None",
    "hsml.model_registry.ModelRegistry.get_models": "self, name",
    "hsml.model_registry.ModelRegistry.get_best_model": "self, name, metric, direction",
    "hsml.model_schema.ModelSchema.__init__": (
        "self, input_schema=None, output_schema=None, **kwargs"
    ),
    "hsml.schema.Schema.__init__": "self, object=None, **kwargs",
    "hopsworks.project.Project.get_model_registry": "self",
    "hsml.resources.Resources.__init__": "self, cores, memory, gpus, **kwargs",
    "hsml.resources.ComponentResources.__init__": (
        "self, num_instances=None, requests=None, limits=None"
    ),
    "hsml.resources.PredictorResources.__init__": (
        "self, num_instances=None, requests=None, limits=None"
    ),
    "hsml.resources.TransformerResources.__init__": (
        "self, num_instances=None, requests=None, limits=None"
    ),
    "hsml.inference_batcher.InferenceBatcher.__init__": (
        "self, enabled=None, max_batch_size=None, max_latency=None, timeout=None, **kwargs"
    ),
    "hsml.deployable_component.DeployableComponent.__init__": (
        "self, script_file=None, resources=None, inference_batcher=None, "
        "scaling_configuration=None, **kwargs"
    ),
    "hsml.transformer.Transformer.__init__": (
        "self, script_file, resources=None, scaling_configuration=None, env_vars=None, "
        "environment=None, **kwargs"
    ),
    "hsml.predictor_state_condition.PredictorStateCondition.__init__": (
        "self, type, status=None, reason=None, **kwargs"
    ),
    "hsml.scaling_config.ComponentScalingConfig.__init__": (
        "self, min_instances, max_instances=None, scale_metric=None, target=None, "
        "panic_window_percentage=None, panic_threshold_percentage=None, "
        "stable_window_seconds=None, scale_to_zero_retention_seconds=None, "
        "log_persistence=None, autoscaler=None, scale_down_stabilization_window_seconds=None, "
        "scale_up_stabilization_window_seconds=None, additional_scale_metrics=None, "
        "idle_scale_to_zero=None, idle_cooldown_seconds=None, cold_start_timeout_seconds=None, "
        "**kwargs"
    ),
    "hsml.scaling_config.PredictorScalingConfig.__init__": "self, **kwargs",
    "hsml.scaling_config.TransformerScalingConfig.__init__": "self, **kwargs",
    "hsml.scaling_config.ComponentScalingConfig.get_default_scaling_configuration": (
        "serving_tool, min_instances, component_type='predictor', "
        "effective_knative_mode=True, enforce_scale_to_zero=True"
    ),
    "hsml.tag.Tag.__init__": (
        "self, name, value, created_on=None, schema=None, href=None, expand=None, "
        "items=None, count=None, type=None, **kwargs"
    ),
    "hsml.model.Model.add_tag": "self, name, value",
    "hsml.model.Model.set_tag": "self, name, value",
    "hsml.model.Model.delete_tag": "self, name",
    "hsml.model.Model.get_tag": "self, name",
    "hsml.model.Model.get_tags": "self",
    **{
        f"hsml.{kind}.predictor.Predictor.__init__": "self, **kwargs"
        for kind in ("python", "sklearn", "tensorflow", "torch")
    },
}

MODEL_PROPERTIES = [
    "id", "name", "version", "description", "created", "creator", "environment",
    "training_metrics", "program", "user", "input_example", "framework", "model_schema",
    "project_name", "model_registry_id", "model_path", "version_path", "model_files_path",
    "shared_registry_project_name", "training_dataset_version", "missing_mandatory_tags",
]  # fmt: skip
REGISTRY_PROPERTIES = [
    "project_name", "project_path", "project_id", "shared_registry_project_name",
    "model_registry_id", "tensorflow", "sklearn", "torch", "python", "llm",
]  # fmt: skip


def ours(path: str) -> str:
    return f"hopsml_lab.{path}"


@pytest.mark.parametrize(("path", "names"), HSML_PATHS.items(), ids=list(HSML_PATHS))
def test_every_path_imports_with_its_public_names(path: str, names: list[str]) -> None:
    module = importlib.import_module(ours(path))
    missing = [name for name in names if not hasattr(module, name)]
    assert not missing, f"{ours(path)} lacks {missing} of {path}"


@pytest.mark.parametrize("dotted", sorted(REAL_SIGNATURES))
def test_signatures_match_the_real_ones(dotted: str) -> None:
    """The real parameters in order with the real defaults (type hints aside)."""
    real, mine = _real(REAL_SIGNATURES[dotted]), _ours(_resolve(ours(dotted)))
    assert [name for name, _ in mine] == [name for name, _ in real]
    for (name, default), (_, our_default) in zip(real, mine, strict=True):
        assert default == "-" or our_default == default, f"{name}: {our_default!r}"


def test_properties_and_framework_classes() -> None:
    from hopsml_lab.hsml.constants import MODEL
    from hopsml_lab.hsml.model import Model
    from hopsml_lab.hsml.model_registry import ModelRegistry

    assert [p for p in MODEL_PROPERTIES if not isinstance(getattr(Model, p), property)] == []
    kept = [p for p in REGISTRY_PROPERTIES if isinstance(getattr(ModelRegistry, p), property)]
    assert kept == REGISTRY_PROPERTIES
    for kind in ("python", "sklearn", "tensorflow", "torch", "llm"):
        made = importlib.import_module(f"hopsml_lab.hsml.{kind}.signature").create_model("m")
        assert made.framework == getattr(MODEL, f"FRAMEWORK_{kind.upper()}")
        assert type(made).__module__ == f"hopsml_lab.hsml.{kind}.model"


def test_serving_mirrors_are_wired_to_local_deployments() -> None:
    """resources' num_instances is the number of model-server processes; a disabled
    batcher is accepted, an enabled one is refused, a transformer is kept; the framework
    predictors fix framework and server and check the script as hsml does."""
    from hopsml_lab.hsml.inference_batcher import InferenceBatcher
    from hopsml_lab.hsml.model import Model
    from hopsml_lab.hsml.predictor import Predictor
    from hopsml_lab.hsml.python.predictor import Predictor as PythonPredictor
    from hopsml_lab.hsml.resources import PredictorResources, Resources
    from hopsml_lab.hsml.tensorflow.predictor import Predictor as TensorflowPredictor
    from hopsml_lab.hsml.torch.predictor import Predictor as TorchPredictor
    from hopsml_lab.hsml.transformer import Transformer
    from hopsml_lab.registry import ModelRegistryException

    model = Model(1, "m", version=1, framework="SKLEARN")
    resources = PredictorResources(num_instances=3, requests=Resources(1, 512, None))
    assert resources.requests.to_dict() == {"cores": 1, "memory": 512, "gpus": 0}
    assert resources.limits.to_dict() == {"cores": 2, "memory": 1024, "gpus": 0}
    with pytest.warns(DeprecationWarning):
        assert resources.num_instances == 3
    made = Predictor.for_model(
        model, name="d", resources=resources, inference_batcher=InferenceBatcher()
    )
    assert made.requested_instances == 3 and made.resources is resources
    assert (
        Predictor.for_model(model, name="d", resources={"num_instances": 2}).requested_instances
        == 2
    )
    assert (
        Predictor.for_model(model, name="d", resources=PredictorResources()).requested_instances
        == 1
    )
    for option, message in (
        ({"inference_batcher": InferenceBatcher(enabled=True)}, "leave inference_batcher out"),
        ({"resources": {"num_instances": 0}}, "scale to zero is not offered"),
    ):
        with pytest.raises((ModelRegistryException, ValueError), match=message):
            Predictor.for_model(model, name="d", **option)

    kept = Predictor.for_model(model, name="d", transformer={"script_file": "transform.py"})
    assert isinstance(kept.transformer, Transformer)
    assert kept.to_dict()["transformer"] == "transform.py"
    transformer = Transformer("transform.py", env_vars={"A": "1"})
    assert transformer.resources._num_instances == 1 and not transformer.inference_batcher.enabled
    assert transformer.to_dict()["transformerEnvVars"] == ["A=1"]
    common = {"name": "d", "model_name": "m", "model_path": "Models/m", "model_version": 1}
    with pytest.raises(ValueError, match="required in deployments for custom Python"):
        PythonPredictor(script_file=None, **common)
    with pytest.raises(ValueError, match="not supported in deployments for Tensorflow"):
        TensorflowPredictor(script_file="p.py", **common)
    torch = TorchPredictor(script_file="p.py", **common)
    assert (torch.model_framework, torch.model_server) == ("PYTHON", "PYTHON")
    tf = TensorflowPredictor(script_file=None, **common)
    assert (tf.model_framework, tf.model_server) == ("TENSORFLOW", "TENSORFLOW_SERVING")
