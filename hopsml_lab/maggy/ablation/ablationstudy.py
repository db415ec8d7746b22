"""maggy's ``AblationStudy``: which features and layers an ablation study leaves out.

>>> from hopsml_lab.maggy.ablation import AblationStudy
>>> study = AblationStudy("titanic_train_dataset", 1, label_name="survived")
>>> study.features.include("pclass", ["fare", "age"])
>>> study.model.layers.include("my_dense_two")
>>> study.model.layers.include_groups(prefix="my_dense")
>>> sorted(study.to_dict()["included_features"])
['age', 'fare', 'pclass']

Then ``study.model.set_base_model_generator(fn)`` (``fn()`` returns a Keras model whose
layers carry those names) and ``experiment.lagom(train_fn, AblationConfig(study))``:
one trial with everything, one per feature, layer, layer group and custom model left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _names(method: str, args: tuple[Any, ...]) -> list[str]:
    """The strings of ``args``, lists flattened; anything else is refused."""
    found = []
    for arg in args:
        for name in arg if type(arg) is list else [arg]:
            if type(name) is not str:
                raise ValueError(
                    f"{method} only accepts strings or lists of strings, but it received "
                    f"{name} which is of type '{type(name).__name__}'."
                )
            found.append(name)
    return found


class AblationStudy:
    """The entry point of an ablation study, passed to ``experiment.lagom`` through an
    ``AblationConfig``."""

    def __init__(
        self,
        training_dataset_name: str,
        training_dataset_version: int,
        label_name: str,
        **kwargs: Any,
    ) -> None:
        self.features = Features()
        self.model = Model()
        self.hops_training_dataset_name = training_dataset_name
        self.hops_training_dataset_version = training_dataset_version
        self.label_name = label_name
        self.custom_dataset_generator = kwargs.get("dataset_generator", False)

    def to_dict(self) -> dict[str, Any]:
        """The study's configuration as a dict."""
        return {
            "training_dataset_name": self.hops_training_dataset_name,
            "training_dataset_version": self.hops_training_dataset_version,
            "label_name": self.label_name,
            "included_features": list(self.features.included_features),
            "included_layers": list(self.model.layers.included_layers),
            "custom_dataset_generator": bool(self.custom_dataset_generator),
        }

    def set_dataset_generator(self, dataset_generator: Callable[..., Any]) -> None:
        """Use ``dataset_generator(num_epochs, batch_size)`` for every trial instead of
        reading the training dataset (feature ablation is then the function's job)."""
        self.custom_dataset_generator = dataset_generator


class Features:
    """The features of the training dataset to leave out, one trial each."""

    def __init__(self) -> None:
        self.included_features: set[str] = set()

    def include(self, *args: str | list[str]) -> None:
        """Add features (names, or lists of names)."""
        self.included_features.update(_names("features.include()", args))

    def exclude(self, *args: str | list[str]) -> None:
        """Take back features included before."""
        for feature in _names("features.exclude()", args):
            if feature in self.included_features:
                self.included_features.remove(feature)
                print(f"Feature '{feature}' is excluded from the ablation study.")

    def list_all(self) -> None:
        for feature in self.included_features:
            print(feature)


class Model:
    """The base model, the layers to leave out of it, and custom model variants."""

    def __init__(self) -> None:
        self.layers = Layers()
        self.base_model_generator: Callable[[], Any] | None = None
        # one extra trial per (generator, identifier)
        self.custom_model_generators: list[tuple[Callable[[], Any], str]] = []

    def set_base_model_generator(self, base_model_generator: Callable[[], Any]) -> None:
        self.base_model_generator = base_model_generator

    def add_custom_model_generator(
        self, custom_model_generator: Callable[[], Any], model_identifier: str
    ) -> None:
        """One more trial, training ``custom_model_generator()``'s model, recorded as
        ``Custom model: <model_identifier>``."""
        self.custom_model_generators.append((custom_model_generator, model_identifier))


class Layers:
    """Single layers (by name) and layer groups (a list of names, or a prefix) to leave
    out; the first (input) and last (output) layers never are."""

    def __init__(self) -> None:
        self.included_layers: set[str] = set()
        self.included_groups: set[frozenset[str]] = set()

    def include(self, *args: str | list[str]) -> None:
        self.included_layers.update(_names("layers.include()", args))

    def exclude(self, *args: str | list[str]) -> None:
        for layer in _names("layers.exclude()", args):
            self.included_layers.discard(layer)

    def include_groups(self, *args: list[str], prefix: str | None = None) -> None:
        """Each list (two names or more) is one group; ``prefix`` makes a group of the
        layers whose names start with it."""
        self.included_groups.update(_groups("include_groups", args, prefix))

    def exclude_groups(self, *args: list[str], prefix: str | None = None) -> None:
        for group in _groups("exclude_groups", args, prefix):
            self.included_groups.discard(group)

    def print_all(self) -> None:
        """Prints the single layers included."""
        if self.included_layers:
            print("Included single layers are: \n")
            for layer in self.included_layers:
                print(layer)
        else:
            print("There are no single layers in this ablation study configuration.")

    def print_all_groups(self) -> None:
        """Prints the layer groups included."""
        if not self.included_groups:
            print("There are no layer groups in this ablation study configuration.")
            return
        print("Included layer groups are: \n")
        for group in self.included_groups:
            if len(group) > 1:
                print("--- Layer group " + str(list(group)))
            else:
                print('---- All layers prefixed "' + next(iter(group)) + '"')


def _groups(method: str, args: tuple[Any, ...], prefix: str | None) -> list[frozenset[str]]:
    """maggy's group identifiers: a frozenset of names, or of just the prefix."""
    groups = []
    if prefix is not None:
        if type(prefix) is not str:
            raise ValueError(
                f"`prefix` argument of layers.{method}() should either be a `NoneType` or a "
                f"`str`, but it received {prefix} (of type '{type(prefix).__name__}'."
            )
        groups.append(frozenset([prefix]))
    for arg in args:
        if type(arg) is list and len(arg) == 1:
            raise ValueError(
                f"layers.{method}() received a list ( {arg} ) with only one element: Did "
                "you want to include a single layer in your ablation study? then you should "
                "use layers.include()."
            )
        if type(arg) is not list or len(arg) < 2 or any(type(n) is not str for n in arg):
            raise ValueError(
                f"layers.{method}() only accepts a prefix string, or lists (with more than "
                f"one element) of strings, but it received {arg} (of type "
                f"'{type(arg).__name__}')."
            )
        groups.append(frozenset(arg))
    return groups
