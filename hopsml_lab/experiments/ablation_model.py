"""An ablation trial's model: the base Keras model rebuilt without one layer or one
group of layers (named, or sharing a prefix).

As in maggy, the model's layer list (``model.get_config()["layers"]``) is edited and a
fresh, untrained model built from it; the first entry (the input) and the last (the
output) are never removed. The layers left are rebuilt from their own configuration, so
a layer after a removed one takes the new input width. Sequential models only: a
functional model's wiring would break (give its variants with
``add_custom_model_generator``).

>>> LayerSelection.of({"dense"}).label
'Layers prefixed dense'
>>> LayerSelection.of({"b", "a"}).label
"['a', 'b']"
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import BadInput


class UnknownLayer(BadInput):
    """A layer (or layer group) asked to be ablated is not in the base model."""


@dataclass(frozen=True)
class LayerSelection:
    """What one trial removes: layers by name, or every layer whose name starts with
    ``prefix`` (case-insensitive, as maggy)."""

    names: frozenset[str] = frozenset()
    prefix: str | None = None

    @classmethod
    def of(cls, identifier: str | Iterable[str]) -> LayerSelection:
        """maggy's identifier: a layer name, a set of names (a group), or a one-element
        set holding a prefix."""
        if isinstance(identifier, str):
            return cls(names=frozenset([identifier]))
        names = frozenset(identifier)
        if len(names) == 1:
            return cls(prefix=next(iter(names)))
        return cls(names=names)

    @property
    def label(self) -> str:
        """The trial's ``ablated_layer`` value, as maggy writes it."""
        if self.prefix is not None:
            return f"Layers prefixed {self.prefix}"
        if len(self.names) == 1:
            return next(iter(self.names))
        return str(sorted(self.names))

    def matches(self, name: str) -> bool:
        if self.prefix is not None:
            return name.lower().startswith(self.prefix.lower())
        return name in self.names


def _layer_configs(model: Any) -> list[dict[str, Any]]:
    config = model.get_config()
    if "layers" not in config or "input_layers" in config:
        raise BadInput(
            f"layer ablation rebuilds Sequential models, and the base model is a "
            f"{type(model).__name__} with wired layers: return a tf.keras.Sequential from "
            "the base model generator, or add each variant with "
            "model.add_custom_model_generator(fn, 'name')"
        )
    return list(config["layers"])


def _name(layer: dict[str, Any]) -> str:
    return str(layer["config"]["name"])


def ablatable_layers(model: Any) -> list[str]:
    """The names of the layers a trial may remove: all but the first and the last."""
    return [_name(layer) for layer in _layer_configs(model)[1:-1]]


def check_layers(model: Any, selections: Iterable[LayerSelection]) -> None:
    """Each selection must name layers of ``model`` that may be removed."""
    layers = _layer_configs(model)
    every = [_name(layer) for layer in layers]
    inner = every[1:-1]
    for selection in selections:
        missing = sorted(n for n in selection.names if n not in inner)
        if not missing and any(selection.matches(n) for n in inner):
            continue
        ends = [n for n in missing if n in every]
        what = (
            f"layer(s) {', '.join(map(repr, missing))}"
            if missing
            else f"no layer named with prefix {selection.prefix!r}"
        )
        why = f" ({', '.join(ends)}: the first and last layers are never ablated)" if ends else ""
        raise UnknownLayer(
            f"{what} in the base model{why}; the layers that can be ablated are "
            f"{', '.join(inner) or 'none'}: include only those (name layers with name=...)"
        )


def without_layers(model: Any, selection: LayerSelection) -> Any:
    """A new, untrained model of ``model``'s class without the selected layers."""
    config = model.get_config()
    layers = _layer_configs(model)
    inner = [layer for layer in layers[1:-1] if not selection.matches(_name(layer))]
    if len(inner) == len(layers) - 2:
        check_layers(model, [selection])  # raises, naming what can be removed
    kept = [layers[0], *inner, layers[-1]]
    # Built shapes are the base model's; each layer sizes itself anew from its input.
    config["layers"] = [{k: v for k, v in layer.items() if k != "build_config"} for layer in kept]
    return type(model).from_config(config)


@dataclass(frozen=True)
class AblatedModel:
    """maggy's ``model_function()`` for a trial that removes ``selection`` from the
    model ``base_model_generator()`` returns."""

    base_model_generator: Callable[[], Any]
    selection: LayerSelection

    def __call__(self) -> Any:
        return without_layers(self.base_model_generator(), self.selection)
