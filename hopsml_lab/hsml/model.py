"""hsml's ``Model``: a model version's metadata handle. ``save()`` copies the files into
``Models/<name>/<version>/Files/`` (with ``input_example.json`` and ``model_schema.json``
beside them) and records the version; ``download()``, ``delete()`` and
``get_feature_view()`` act on a saved one.

>>> mr = hopsworks.login().get_model_registry()                        # doctest: +SKIP
>>> model = mr.sklearn.create_model("churn", metrics={"accuracy": 0.9})  # doctest: +SKIP
>>> model.save("model_dir")                                             # doctest: +SKIP
Model(name: 'churn', version: 1)
"""

from __future__ import annotations

import json
import os
import re
import warnings
from typing import Any

from ..catalog import ModelRecord
from ..registry import (
    FILES,
    INPUT_EXAMPLE,
    MODEL_SCHEMA,
    ModelRegistryException,
    ModelSpec,
    ModelTags,
    ProvenanceWarning,
    Registry,
    input_example_json,
    version_folder,
)
from .model_schema import ModelSchema
from .schema import Schema
from .tag import Tag

_NAME = re.compile(r"[a-zA-Z0-9_]+")


class Model:
    """Metadata object representing a model in the Model Registry."""

    NOT_FOUND_ERROR_CODE = 360000
    _default_framework: str | None = None

    def __init__(
        self,
        id: Any,
        name: str,
        version: int | None = None,
        created: Any = None,
        creator: Any = None,
        environment: Any = None,
        description: str | None = None,
        project_name: str | None = None,
        metrics: dict[str, Any] | None = None,
        program: str | None = None,
        user_full_name: str | None = None,
        model_schema: ModelSchema | dict[str, Any] | None = None,
        input_example: Any = None,
        framework: str | None = None,
        model_registry_id: int | None = None,
        tags: Any = None,
        href: str | None = None,
        feature_view: Any = None,
        training_dataset_version: int | None = None,
        missing_mandatory_tags: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        self._tags = Tag._normalize(tags)  # attached when the version is saved
        for tag in self._tags:
            ModelTags.check(tag.name, tag.value, name)
        self._id = id
        self._name = name
        self._version = version
        self._missing_mandatory_tags = missing_mandatory_tags or []
        self._description = (
            description if description is not None else f"A collection of models for {name}"
        )
        self._created = created
        self._creator = creator
        self._environment = environment
        self._project_name = project_name
        self._training_metrics = metrics
        self._program = program
        self._user_full_name = user_full_name
        self._input_example = input_example
        self._framework = framework if framework is not None else self._default_framework
        self._model_schema = model_schema
        self._model_registry_id = model_registry_id
        self._feature_view = feature_view
        self._training_dataset_version = training_dataset_version
        self._shared_registry_project_name: str | None = None
        self._record: ModelRecord | None = kwargs.get("_record")

    # -- saving ---------------------------------------------------------------------

    def save(
        self,
        model_path: str,
        await_registration: int = 480,
        keep_original_files: bool = False,
        upload_configuration: dict[str, Any] | None = None,
    ) -> Model:
        """Persist the model files at ``model_path`` (a local or project file or folder)
        and this metadata as a new version. A project folder is moved unless
        ``keep_original_files``; ``await_registration`` and ``upload_configuration`` are
        accepted and change nothing (registration is immediate, nothing is uploaded).
        Returns this model, now with its version."""
        del await_registration, upload_configuration
        if not _NAME.fullmatch(str(self._name)):
            raise ModelRegistryException(
                f"Invalid model name '{self._name}'. Model name must contain only alphanumeric "
                "characters and underscores (regex: [a-zA-Z0-9_]+)."
            )
        self._resolve_lineage()
        spec = ModelSpec(
            name=self._name,
            version=self._version,
            metrics=self._training_metrics,
            description=self._description,
            framework=self._framework,
            input_example=input_example_json(self._input_example),
            model_schema=_schema_dict(self._model_schema),
            feature_view=(
                (self._feature_view.name, self._feature_view.version)
                if self._feature_view is not None
                else None
            ),
            training_dataset_version=self._training_dataset_version,
        )
        record = Registry.here().save(
            spec, model_path, move=not keep_original_files, numbers_in_text=True
        )
        self._take(record)
        tags = ModelTags(Registry.here().store)
        for tag in self._tags:
            tags.put(record, tag.name, tag.value)
        print(f"Model created, explore it at {record.path}")
        return self

    def _resolve_lineage(self) -> None:
        """The training dataset version and model schema hsml takes from the feature view
        when they are not given."""
        fv = self._feature_view
        if self._training_dataset_version is None and fv is not None:
            self._training_dataset_version = fv.get_last_accessed_training_dataset()
            if self._training_dataset_version is None:
                warnings.warn(
                    "Provenance cached data - feature view provided, but training dataset "
                    "version is missing",
                    ProvenanceWarning,
                    stacklevel=3,
                )
        if self._model_schema is not None:
            return
        if fv is not None and self._training_dataset_version is not None:
            features, labels = [], []
            for feature in fv.features:
                (labels if feature.label else features).append(feature.to_dict())
            self._model_schema = ModelSchema(
                input_schema=Schema(features) if features else None,
                output_schema=Schema(labels) if labels else None,
            )
        else:
            warnings.warn(
                "Model schema cannot not be inferred without both the feature view and the "
                "training dataset version.",
                ProvenanceWarning,
                stacklevel=3,
            )

    def _take(self, record: ModelRecord) -> None:
        """Become the saved version ``record``."""
        self._record = record
        self._id = f"{record.name}_{record.version}"
        self._version = record.version
        self._created = int(record.created_at * 1000)
        self._creator = record.user
        self._user_full_name = record.user
        self._project_name = (
            Registry.here().project_name if self._project_name is None else self._project_name
        )
        self._training_metrics = dict(record.metrics)
        self._description = record.description
        self._framework = record.framework
        self._program = record.program
        self._training_dataset_version = record.training_dataset_version
        self._input_example = None  # saved: read back from input_example.json
        self._model_schema = None

    @classmethod
    def _from_record(cls, record: ModelRecord, project_name: str) -> Model:
        """The hsml model for a saved version, of the class of its framework."""
        from .llm.model import Model as LLMModel
        from .python.model import Model as PythonModel
        from .sklearn.model import Model as SklearnModel
        from .tensorflow.model import Model as TensorFlowModel
        from .torch.model import Model as TorchModel

        classes = {
            k._default_framework: k
            for k in (TensorFlowModel, TorchModel, SklearnModel, PythonModel, LLMModel)
        }
        model = classes.get(record.framework, Model)(
            None, record.name, project_name=project_name, _record=record
        )
        model._take(record)
        return model

    # -- saved versions ---------------------------------------------------------------

    def _saved(self) -> ModelRecord:
        if self._record is None:
            raise ModelRegistryException(
                f"model {self._name} is not saved yet: call save(model_path) first"
            )
        return self._record

    def download(self, local_path: str | None = None) -> str:
        """Copy the model files into ``local_path``, or into a cache folder under
        ``<temp>/hopsworks/models/<project>/<name>/<version>/`` reused while the version
        lives; returns the local folder."""
        return Registry.here().download(self._saved(), local_path)

    def delete(self) -> None:
        """Delete this version: its files and its metadata."""
        Registry.here().delete(self._name, self._saved().version)
        self._record = None

    # -- tags (kept in the version folder's tags.json) ------------------------------------

    def add_tag(self, name: str, value: Any) -> None:
        """Attach tag ``name`` with ``value`` (any JSON) to this saved version, replacing
        its old value."""
        ModelTags(Registry.here().store).put(self._saved(), name, value)

    def set_tag(self, name: str, value: Any) -> None:
        """Deprecated: use add_tag instead."""
        warnings.warn(
            "The set_tag method is deprecated. Please use add_tag instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        self.add_tag(name, value)

    def delete_tag(self, name: str) -> None:
        """Remove tag ``name`` from this version (an unknown name raises)."""
        ModelTags(Registry.here().store).delete(self._saved(), name)

    def get_tag(self, name: str) -> Any | None:
        """The value of tag ``name``, or None if the version has no such tag."""
        return ModelTags(Registry.here().store).get(self._saved(), name)

    def get_tags(self) -> dict[str, Any]:
        """Every tag of this version, name -> value."""
        return ModelTags(Registry.here().store).all(self._saved())

    def get_feature_view(self, init: bool = True, online: bool = False) -> Any:
        """The feature view the model was trained on (hsfs ``FeatureView``), or None;
        ``init`` prepares it for batch scoring, or for online lookups with ``online``
        (always inside a deployment), with the model's training dataset version."""
        record = self._saved()
        if record.feature_view_name is None:
            return None
        from ..hopsworks import get_current_project

        fs = get_current_project().get_feature_store()
        fv = fs.get_feature_view(record.feature_view_name, record.feature_view_version)
        if fv is None or not init:
            return fv
        if online or "DEPLOYMENT_NAME" in os.environ:
            fv.init_serving(training_dataset_version=record.training_dataset_version)
        else:
            fv.init_batch_scoring(training_dataset_version=record.training_dataset_version)
        return fv

    def deploy(
        self,
        name: str | None = None,
        description: str | None = None,
        artifact_version: str | None = None,
        serving_tool: str | None = None,
        script_file: str | None = None,
        config_file: str | None = None,
        resources: Any = None,
        inference_logger: Any = None,
        inference_batcher: Any = None,
        scaling_configuration: Any = None,
        transformer: Any = None,
        api_protocol: str | None = "REST",
        environment: str | None = None,
        env_vars: dict | None = None,
        vllm_variant: str | None = None,
        vllm_image_tag: str | None = None,
        tags: Any = None,
        schema: Any = None,
        passed_features: list[str] | None = None,
        default_predictor: bool | None = None,
        feature_logging: Any = None,
        knative_mode: bool | None = None,
    ) -> Any:
        """Deploy the model: a deployment (not started: ``deployment.start()``) whose
        model server runs on 127.0.0.1 and speaks TF Serving's REST API and V2.

        >>> deployment = mr.get_model("churn", version=1).deploy()        # doctest: +SKIP
        """
        from .predictor import Predictor

        options = dict(locals())
        options.pop("self")
        options.pop("Predictor")
        options["name"] = name if name is not None else self._get_default_serving_name()
        return Predictor.for_model(self, **options).deploy()

    def optimize(
        self,
        method: str = "float16",
        test_data: tuple[Any, Any] | None = None,
        metric: str | None = None,
        name: str | None = None,
        description: str | None = None,
        representative_data: Any = None,
        runs: int = 200,
    ) -> Any:
        """HopsML Lab's addition (hsml has no such method): this version converted to
        TensorFlow Lite (``"float16"``, ``"dynamic-int8"`` or ``"int8"``) and saved as the
        next version (of model ``name`` when given); returns its figures against this
        one's, printed side by side. See ``hops.model.optimize`` for the arguments.

        >>> result = mr.get_model("churn", 1).optimize("int8")            # doctest: +SKIP
        >>> mr.get_model(result.name, result.version).deploy()            # doctest: +SKIP
        """
        from ..registry.optimize import optimize

        record = self._saved()
        return optimize(
            record.name,
            record.version,
            method,
            test_data=test_data,
            metric=metric,
            target_name=name,
            description=description,
            representative_data=representative_data,
            runs=runs,
        )

    def _get_default_serving_name(self) -> str:
        return re.sub(r"[^a-zA-Z0-9]", "", self._name)

    def _read_json(self, resource: str) -> Any:
        return None if self._record is None else Registry.here().read_json(self._record, resource)

    # -- the hsml representation ------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": f"{self._name}_{self._version}",
            "projectName": self._project_name,
            "name": self._name,
            "modelSchema": _schema_dict(self._model_schema),
            "version": self._version,
            "description": self._description,
            "inputExample": self._input_example,
            "framework": self._framework,
            "metrics": self._training_metrics,
            "environment": self._environment,
            "program": self._program,
            "featureView": None,
            "trainingDatasetVersion": self._training_dataset_version,
        }

    def json(self) -> str:
        return json.dumps(self.to_dict(), default=str)

    def __repr__(self) -> str:
        return f"Model(name: {self._name!r}, version: {self._version!r})"

    # -- properties -------------------------------------------------------------------

    @property
    def id(self) -> Any:
        """Id of the model (``<name>_<version>`` once saved)."""
        return self._id

    @property
    def name(self) -> str:
        """Name of the model."""
        return self._name

    @name.setter
    def name(self, name: str) -> None:
        self._name = name

    @property
    def version(self) -> int | None:
        """Version of the model."""
        return self._version

    @version.setter
    def version(self, version: int | None) -> None:
        self._version = version

    @property
    def description(self) -> str:
        """Description of the model."""
        return self._description

    @description.setter
    def description(self, description: str) -> None:
        self._description = description

    @property
    def created(self) -> int | None:
        """Creation time of the model, milliseconds since the epoch."""
        return self._created

    @property
    def creator(self) -> str | None:
        """Creator of the model (the user who saved it)."""
        return self._creator

    @property
    def user(self) -> str | None:
        """User of the model."""
        return self._user_full_name

    @property
    def environment(self) -> Any:
        """The environment file of the model (none is saved here)."""
        return self._environment

    @property
    def training_metrics(self) -> dict[str, Any] | None:
        """Training metrics of the model."""
        return self._training_metrics

    @training_metrics.setter
    def training_metrics(self, training_metrics: dict[str, Any] | None) -> None:
        self._training_metrics = training_metrics

    @property
    def program(self) -> str | None:
        """The script that saved the model, as saved beside it (None from a notebook)."""
        if self._program is None or self._record is None:
            return None
        return Registry.here().read_text(self._record, self._program)

    @property
    def input_example(self) -> Any:
        """The input example, as saved in ``input_example.json``."""
        return self._read_json(INPUT_EXAMPLE)

    @input_example.setter
    def input_example(self, input_example: Any) -> None:
        self._input_example = input_example

    @property
    def framework(self) -> str | None:
        """Framework of the model (``TENSORFLOW``, ``TORCH``, ``SKLEARN``, ``PYTHON``,
        ``LLM``)."""
        return self._framework

    @property
    def model_schema(self) -> dict[str, Any] | None:
        """The model schema, as saved in ``model_schema.json``."""
        return self._read_json(MODEL_SCHEMA)

    @model_schema.setter
    def model_schema(self, model_schema: ModelSchema | None) -> None:
        self._model_schema = model_schema

    @property
    def project_name(self) -> str | None:
        return self._project_name

    @property
    def model_registry_id(self) -> int | None:
        return self._model_registry_id

    @property
    def shared_registry_project_name(self) -> str | None:
        return self._shared_registry_project_name

    @property
    def model_path(self) -> str:
        """Where the model's versions are: ``<project>/Models/<name>``."""
        return Registry.here().url(f"Models/{self._name}")

    @property
    def version_path(self) -> str:
        """Where this version is: ``<project>/Models/<name>/<version>``."""
        return Registry.here().url(version_folder(self._name, self._version))  # type: ignore[arg-type]

    @property
    def model_files_path(self) -> str:
        """Where this version's model files are: ``<version_path>/Files``."""
        return f"{self.version_path}/{FILES}"

    @property
    def training_dataset_version(self) -> int | None:
        return self._training_dataset_version

    @property
    def missing_mandatory_tags(self) -> list[dict[str, Any]]:
        return self._missing_mandatory_tags

    @property
    def experiment_id(self) -> str | None:
        """The experiment the model was saved in (None outside an experiment)."""
        return None if self._record is None else self._record.experiment_id


def _schema_dict(schema: ModelSchema | dict[str, Any] | None) -> dict[str, Any] | None:
    if schema is None or isinstance(schema, dict):
        return schema
    if not isinstance(schema, ModelSchema):
        raise ModelRegistryException(
            f"model_schema is a {type(schema).__name__}: give a hsml.model_schema.ModelSchema"
        )
    return schema.to_dict()
