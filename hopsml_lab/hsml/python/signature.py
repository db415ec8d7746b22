"""``mr.python.create_model(...)``: a generic Python model's metadata object."""

from .._signature import model_creator
from .model import Model

create_model = model_creator(Model, "a generic Python")

__all__ = ["create_model"]
