"""The feature store's saved transformation functions: one JSON file per name and version
under ``FeatureStore/transformation_functions/`` in the project's store (hsfs'
``TransformationFunction`` form, source included), readable from any process. The
built-ins are always there as version 1 and cannot be deleted."""

from __future__ import annotations

import copy
import json
import re
from typing import TYPE_CHECKING, Any

from ...featurestore.errors import FeatureStoreException
from ...featurestore.transformations.errors import TransformationFunctionException

if TYPE_CHECKING:
    from ...store import Store
    from ..transformation_function import TransformationFunction

FOLDER = "FeatureStore/transformation_functions"
_FILE = re.compile(r"^(?P<name>.+)_(?P<version>\d+)\.json$")


class UnknownTransformationFunction(FeatureStoreException, LookupError):
    """No saved transformation function with that name and version."""


def _store() -> Store:
    from ...lab import get_lab

    return get_lab().store


def _builtins() -> list[TransformationFunction]:
    from .. import builtin_transformations as builtins
    from ..transformation_function import TransformationFunction

    return [
        TransformationFunction(None, copy.deepcopy(getattr(builtins, name)), version=1, id=i + 1)
        for i, name in enumerate(builtins.__all__)
    ]


def _builtin_names() -> list[str]:
    from .. import builtin_transformations as builtins

    return list(builtins.__all__)


def _saved_files(store: Store) -> list[tuple[str, int, str]]:
    if not store.exists(FOLDER):
        return []
    out = []
    for entry in store.list(FOLDER):
        match = _FILE.match(entry.name)
        if match and not entry.is_dir:
            out.append((match["name"], int(match["version"]), entry.path))
    return sorted(out, key=lambda item: (item[0], item[1]))


def _load(store: Store, path: str) -> TransformationFunction:
    from ..transformation_function import TransformationFunction

    function = TransformationFunction.from_response_json(json.loads(store.read_text(path)))
    if not isinstance(function, TransformationFunction):
        raise TransformationFunctionException(f"{path} does not hold one transformation function")
    return function


def save(function: TransformationFunction) -> None:
    """Store ``function``; without a version it takes the next free one."""
    udf = function.hopsworks_udf
    if not udf._has_source:
        raise TransformationFunctionException(
            f"The source code of {udf!r} cannot be read, so it cannot be saved: define it with "
            "`def` in a notebook cell or a .py file."
        )
    store = _store()
    files = _saved_files(store)
    name = udf.function_name
    taken = {v for n, v, _ in files if n == name}
    if name in _builtin_names():
        taken.add(1)
    if function.version is None:
        function.version = max(taken, default=0) + 1
    elif function.version in taken:
        raise TransformationFunctionException(
            f"Transformation function '{name}' version {function.version} exists already: "
            "save it without a version (the next one is taken) or delete the existing one."
        )
    ids = [len(_builtin_names())]
    for _, _, path in files:
        try:
            ids.append(int(json.loads(store.read_text(path)).get("id") or 0))
        except (ValueError, OSError):
            continue
    function.id = max(ids) + 1
    data = function.to_dict()
    if udf._generate_output_col_name:
        data["hopsworksUdf"]["outputColumnNames"] = None
    if udf.transformation_context:
        data["transformationContext"] = udf.transformation_context
    store.makedirs(FOLDER)
    store.write_text(f"{FOLDER}/{name}_{function.version}.json", json.dumps(data, indent=1))


def get(name: str, version: int | None = None) -> Any:
    """The function ``name`` (version ``version``): one object, a list when several
    versions match, ``None`` when none does (as hsfs answers)."""
    found = [f for f in _builtins() if f.hopsworks_udf.function_name == name]
    store = _store()
    found += [_load(store, path) for n, _, path in _saved_files(store) if n == name]
    if version is not None:
        found = [f for f in found if f.version == version]
    found.sort(key=lambda f: f.version or 0)
    if not found:
        return None
    return found[0] if len(found) == 1 else found


def list_all() -> list[TransformationFunction]:
    """The built-ins, then every saved function."""
    store = _store()
    return _builtins() + [_load(store, path) for _, _, path in _saved_files(store)]


def delete(function: TransformationFunction) -> None:
    name = function.hopsworks_udf.function_name
    if name in _builtin_names() and function.version == 1:
        raise TransformationFunctionException(
            f"'{name}' is a built-in transformation function and cannot be deleted."
        )
    store = _store()
    path = f"{FOLDER}/{name}_{function.version}.json"
    if function.version is None or not store.exists(path):
        raise UnknownTransformationFunction(
            f"No saved transformation function '{name}' version {function.version}."
        )
    store.delete(path)
