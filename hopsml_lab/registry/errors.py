"""The model registry's errors: each a ``ModelRegistryException`` (hsml's name) and one
of the Lab's bases, so the server maps them to HTTP codes and hsml code catches them."""

from __future__ import annotations

from ..errors import BadInput, Conflict, HopsMLError, NotFound


class ModelRegistryException(HopsMLError):
    """Generic model registry exception (hsml's ``ModelRegistryException``)."""


class ModelExportError(ModelRegistryException, BadInput):
    """The model cannot be saved as asked; the message says what to change."""


class ModelNotFound(ModelRegistryException, NotFound):
    """No saved model with that name (and version, or metric)."""


class ModelVersionExists(ModelRegistryException, Conflict):
    """That version of the model exists already."""


class ModelArchiveExists(ModelRegistryException, Conflict):
    """The archive ``download_model`` would write exists already."""


class ProvenanceWarning(Warning):
    """Lineage or schema could not be recorded as asked (hsml's ``ProvenanceWarning``)."""
