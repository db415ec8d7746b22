"""hsml's exceptions (``from hsml.client.exceptions import ModelRegistryException``)."""

from ...registry.errors import ModelRegistryException
from ..deployment import ModelServingException

__all__ = ["ModelRegistryException", "ModelServingException"]
