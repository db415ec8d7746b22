"""Tags of a model version (hsml's ``model.add_tag`` / ``get_tag`` / ``get_tags`` /
``delete_tag``): name/value pairs, any JSON value, kept in ``tags.json`` of the version's
folder (``Models/<name>/<version>/``, beside ``input_example.json``, not among the model
files a deployment downloads), with the time each was attached. Each change rewrites the
file in one step; the last writer of a tag wins, as on Hopsworks.

>>> tags = ModelTags(store)                                           # doctest: +SKIP
>>> tags.put(record, "owner", {"team": "churn"}); tags.get(record, "owner")  # doctest: +SKIP
{'team': 'churn'}
"""

from __future__ import annotations

import json
import time
from typing import Any

from ..catalog import ModelRecord
from ..errors import BadInput, NotFound, clip
from ..store import Store
from .registry import version_folder

TAGS_FILE = "tags.json"


class ModelTagNotFound(NotFound):
    """The model version has no tag of that name."""


class ModelTags:
    """Reads and writes the tags of model versions on the project's store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _path(self, record: ModelRecord) -> str:
        return f"{version_folder(record.name, record.version)}/{TAGS_FILE}"

    def _read(self, record: ModelRecord) -> dict[str, dict[str, Any]]:
        path = self._path(record)
        return json.loads(self.store.read_text(path)) if self.store.exists(path) else {}

    def all(self, record: ModelRecord) -> dict[str, Any]:
        """Every tag of the version, name -> value."""
        return {name: entry["value"] for name, entry in self._read(record).items()}

    def get(self, record: ModelRecord, name: str) -> Any | None:
        """The value of tag ``name``, None when the version has no such tag."""
        entry = self._read(record).get(name)
        return None if entry is None else entry["value"]

    @staticmethod
    def check(name: Any, value: Any, model: str) -> None:
        """Refuse a tag that cannot be kept: an empty name, a None or non-JSON value."""
        if not isinstance(name, str) or not name.strip():
            raise BadInput(f"tag name {clip(name)!r}: give a non-empty string")
        if value is None:
            raise ValueError("Tag value cannot be None")
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise BadInput(
                f"tag {name!r} of model {model}: its value must be JSON ({error}); use "
                "numbers, strings, lists and dicts"
            ) from error

    def put(self, record: ModelRecord, name: str, value: Any) -> None:
        """Attach tag ``name`` with ``value`` (replacing its old value)."""
        self.check(name, value, f"{record.name} version {record.version}")
        tags = self._read(record)
        tags[name] = {"value": value, "created_on": int(time.time() * 1000)}
        self.store.write_text(self._path(record), json.dumps(tags, indent=2, sort_keys=True))

    def delete(self, record: ModelRecord, name: str) -> None:
        """Remove tag ``name``; an unknown name raises, listing the version's tags."""
        tags = self._read(record)
        if name not in tags:
            raise ModelTagNotFound(
                f"model {record.name} version {record.version} has no tag {clip(name)!r}; "
                f"its tags are {sorted(tags)}"
            )
        del tags[name]
        self.store.write_text(self._path(record), json.dumps(tags, indent=2, sort_keys=True))

    def created_on(self, record: ModelRecord) -> dict[str, int]:
        """When each tag was attached, in milliseconds since the epoch (as Hopsworks)."""
        return {name: entry["created_on"] for name, entry in self._read(record).items()}
