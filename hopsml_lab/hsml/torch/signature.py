"""``mr.torch.create_model(...)``: a Torch model's metadata object."""

from .._signature import model_creator
from .model import Model

create_model = model_creator(Model, "a Torch")

__all__ = ["create_model"]
