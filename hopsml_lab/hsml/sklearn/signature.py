"""``mr.sklearn.create_model(...)``: an sklearn model's metadata object."""

from .._signature import model_creator
from .model import Model

create_model = model_creator(Model, "an sklearn")

__all__ = ["create_model"]
