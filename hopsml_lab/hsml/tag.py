"""hsml's ``tag.Tag`` (hopsworks_common's, also ``hsfs.tag.Tag``): a name/value pair
attached to a model version, ``value`` any JSON. ``Model(tags=...)`` and
``create_model(..., tags=...)`` take Tags, dicts of ``name``/``value`` or lists of
either, attached when the version is saved; ``model.add_tag``/``get_tag``/``get_tags``/
``delete_tag`` act on a saved version (see ``hopsml_lab.registry.tags``).

>>> Tag("owner", {"team": "churn"}).to_dict()                          # doctest: +SKIP
{'name': 'owner', 'value': '{"team": "churn"}'}
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any


class Tag:
    """A tag: a name and a JSON value."""

    NOT_FOUND_ERROR_CODE = 370002

    def __init__(
        self,
        name: str,
        value: dict[str, Any] | str,
        created_on: datetime | None = None,
        schema: Any = None,
        href: Any = None,
        expand: Any = None,
        items: Any = None,
        count: Any = None,
        type: Any = None,
        **kwargs: Any,
    ) -> None:
        if name is None:
            raise ValueError("Tag name cannot be None")
        if value is None:
            raise ValueError("Tag value cannot be None")
        self._name, self._value, self._created_on = name, value, created_on

    def to_dict(self) -> dict[str, Any]:
        """As the REST API takes it: a dict value as a JSON string."""
        value = json.dumps(self._value) if isinstance(self._value, dict) else self._value
        return {"name": self._name, "value": value}

    def json(self) -> str:
        return json.dumps(self.to_dict())

    @staticmethod
    def _normalize(tags: Tag | dict[str, Any] | list[Tag | dict[str, Any]] | None) -> list[Tag]:
        """Tags given as a Tag, a dict or a list of either, as a list of Tags."""
        if tags is None:
            return []
        items = tags if isinstance(tags, list) else [tags]
        return [t if isinstance(t, Tag) else Tag(**t) for t in items if isinstance(t, Tag | dict)]

    @staticmethod
    def _tags_to_dict(tags: list[Tag] | None) -> dict[str, Any] | None:
        if not tags:
            return None
        return {"count": len(tags), "items": [t.to_dict() for t in tags]}

    @property
    def name(self) -> str:
        """Name of the tag."""
        return self._name

    @name.setter
    def name(self, name: str) -> None:
        if name is None:
            raise ValueError("Tag name cannot be None")
        self._name = name

    @property
    def value(self) -> Any:
        """Value of the tag."""
        return self._value

    @value.setter
    def value(self, value: Any) -> None:
        if value is None:
            raise ValueError("Tag value cannot be None")
        self._value = value

    @property
    def created_on(self) -> datetime | None:
        """When the tag was attached (UTC), None when unknown."""
        return self._created_on

    def __str__(self) -> str:
        return self.json()

    def __repr__(self) -> str:
        return f"Tag({self._name!r}, {self._value!r})"
