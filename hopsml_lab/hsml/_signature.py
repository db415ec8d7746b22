"""``create_model`` of hsml's framework modules (``mr.python``, ``mr.sklearn``...), made
once for each framework's ``Model`` class."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import Model
from .model_schema import ModelSchema


def model_creator(model_class: type[Model], kind: str) -> Callable[..., Model]:
    """The ``create_model`` function making ``model_class`` models."""

    def create_model(
        name: str,
        version: int | None = None,
        metrics: dict[str, Any] | None = None,
        description: str | None = None,
        input_example: Any = None,
        model_schema: ModelSchema | None = None,
        feature_view: Any = None,
        training_dataset_version: int | None = None,
        tags: Any = None,
    ) -> Model:
        return model_class(
            id=None,
            name=name,
            version=version,
            description=description,
            metrics=metrics,
            input_example=input_example,
            model_schema=model_schema,
            feature_view=feature_view,
            training_dataset_version=training_dataset_version,
            tags=tags,
        )

    create_model.__doc__ = f"""Create {kind} model metadata object (lazy: nothing is saved
    until ``save(model_path)``).

    ``version`` defaults to the next free version; ``metrics`` is a dict of numbers;
    ``input_example`` one input (DataFrame, Series, array, list or dict);
    ``model_schema`` a ``ModelSchema``; ``feature_view`` and
    ``training_dataset_version`` the data it trained on (the version defaults to the
    training dataset last read through the view). ``tags`` are not offered here.
    """
    create_model.__module__ = model_class.__module__.rsplit(".", 1)[0] + ".signature"
    return create_model
