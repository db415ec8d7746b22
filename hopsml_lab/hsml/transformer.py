"""hsml's ``Transformer``: a script that transforms requests before the predictor and
responses after it, with hsml's arguments and defaults.

``model.deploy(transformer=Transformer("transformer.py"))`` (or
``ms.create_predictor(..., transformer=...)``) runs the script's ``Transformer`` class in
each model server process: ``preprocess(self, inputs)`` gets each request's JSON body and
returns the body the model gets, ``postprocess(self, outputs)`` gets the answer's JSON and
returns what is sent (Hopsworks runs it as a separate KServe transformer; its resources
are kept, not enforced).
"""

from __future__ import annotations

import json
from typing import Any

from .constants import Default
from .deployable_component import DeployableComponent
from .resources import TransformerResources

_MIN_INSTANCES = 1  # hsml's SCALING_CONFIG.MIN_NUM_INSTANCES; no scale to zero here


class Transformer(DeployableComponent):
    """Metadata object representing a transformer to be used in a predictor."""

    def __init__(
        self,
        script_file: str,
        resources: TransformerResources | dict | Default | None = None,
        scaling_configuration: Any = None,
        env_vars: dict[str, str] | None = None,
        environment: str | None = None,
        **kwargs: Any,
    ) -> None:
        if isinstance(resources, dict):
            resources = TransformerResources(**resources)
        if not isinstance(resources, TransformerResources):
            resources = TransformerResources(_MIN_INSTANCES)
        elif resources._num_instances is None:
            resources._num_instances = _MIN_INSTANCES
        if isinstance(scaling_configuration, Default):
            scaling_configuration = None
        super().__init__(script_file, resources, scaling_configuration=scaling_configuration)
        self._env_vars = env_vars
        self._environment = environment

    def describe(self) -> None:
        """Print a JSON description of the transformer."""
        print(json.dumps(self.to_dict(), indent=4, sort_keys=True, default=str))

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"transformer": self._script_file, **self._resources.to_dict()}
        if self._env_vars:
            found["transformerEnvVars"] = [f"{k}={v}" for k, v in self._env_vars.items()]
        if self._environment is not None:
            found["transformerEnvironment"] = {"name": self._environment}
        return found

    @property
    def env_vars(self) -> dict[str, str] | None:
        """Environment variables of the transformer."""
        return self._env_vars

    @env_vars.setter
    def env_vars(self, env_vars: dict[str, str] | None) -> None:
        self._env_vars = env_vars

    @property
    def environment(self) -> str | None:
        """Name of the inference environment the transformer runs in."""
        return self._environment

    @environment.setter
    def environment(self, environment: str | None) -> None:
        self._environment = environment

    def __repr__(self) -> str:
        return f"Transformer({self._script_file!r})"


def as_transformer(value: Transformer | dict | None) -> Transformer | None:
    """``value`` as hsml's ``Predictor`` takes a ``transformer`` argument: a
    ``Transformer``, a dict of its arguments (``{"script_file": ...}``) or None."""
    if value is None or isinstance(value, Transformer):
        return value
    if isinstance(value, dict):
        fields = {_SNAKE.get(k, k): v for k, v in value.items()}
        if not fields.get("script_file"):
            raise ValueError("a transformer needs its script: {'script_file': 'transformer.py'}")
        return Transformer(**fields)
    raise ValueError(f"Object of type {type(value)} cannot be converted to class {Transformer}")


_SNAKE = {"scriptFile": "script_file", "transformer": "script_file"}
