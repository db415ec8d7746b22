"""``mr.llm.create_model(...)``: an LLM model's metadata object."""

from .._signature import model_creator
from .model import Model

create_model = model_creator(Model, "an LLM")

__all__ = ["create_model"]
