"""``mr.tensorflow.create_model(...)``: a TensorFlow model's metadata object."""

from .._signature import model_creator
from .model import Model

create_model = model_creator(Model, "a TensorFlow")

__all__ = ["create_model"]
