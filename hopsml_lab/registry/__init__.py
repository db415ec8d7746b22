"""The model registry: model versions on the store (``Models/<name>/<version>/``) and in
the catalog, with metrics, input example, schema and lineage. hops' ``model`` module and
the ``hsml`` package are facades over it."""

from .checks import checked_metrics, checked_name, input_example_json
from .errors import (
    ModelArchiveExists,
    ModelExportError,
    ModelNotFound,
    ModelRegistryException,
    ModelVersionExists,
    ProvenanceWarning,
)
from .registry import (
    FILES,
    INPUT_EXAMPLE,
    MODEL_SCHEMA,
    BadModelQuery,
    ModelSpec,
    Registry,
    checked_version,
    model_cache,
    version_folder,
)
from .tags import ModelTagNotFound, ModelTags

__all__ = [
    "FILES",
    "INPUT_EXAMPLE",
    "MODEL_SCHEMA",
    "BadModelQuery",
    "ModelArchiveExists",
    "ModelExportError",
    "ModelNotFound",
    "ModelRegistryException",
    "ModelSpec",
    "ModelTagNotFound",
    "ModelTags",
    "ModelVersionExists",
    "ProvenanceWarning",
    "Registry",
    "checked_metrics",
    "checked_name",
    "checked_version",
    "input_example_json",
    "model_cache",
    "version_folder",
]
