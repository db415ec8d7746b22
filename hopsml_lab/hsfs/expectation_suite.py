"""hsfs' ``ExpectationSuite``: a feature group's Great Expectations suite, with whether
it runs on inserts (``run_validation``) and what a failing insert does
(``validation_ingestion_policy``: ``ALWAYS`` ingests, ``STRICT`` refuses).

Once attached to a feature group (``fg.save_expectation_suite``, or
``expectation_suite=`` at creation) it has an ``id``, each expectation an id, and its
setters and single-expectation methods (``add_expectation``, ``replace_expectation``,
``remove_expectation``, ``get_expectation``) change the stored suite at once, as in
Hopsworks. The suite is kept by ``hopsml_lab.featurestore.featuregroups.expectations``.

>>> suite = ExpectationSuite("customers", [{"expectation_type":
...     "expect_column_values_to_not_be_null", "kwargs": {"column": "age"}, "meta": {}}])
>>> suite.to_json_dict()["expectations"][0]["expectationType"]
'expect_column_values_to_not_be_null'
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ..featurestore.errors import FeatureStoreException
from .core.constants import (
    GE_MAJOR,
    HAS_GREAT_EXPECTATIONS,
    great_expectations,
    initialise_expectation_suite_for_single_expectation_api_message,
)
from .core.json_forms import Encoder
from .core.json_forms import decamelize as _decamelize
from .ge_expectation import GeExpectation

if TYPE_CHECKING:
    from ..catalog import ExpectationSuiteRecord
    from ..featurestore.featuregroups.expectations import GroupValidation


def _legacy(expectation: dict[str, Any]) -> dict[str, Any]:
    """A GE 1.x expectation dict (``type``, ``severity``, a UUID ``id``) as hsfs' shape."""
    normal = dict(expectation)
    if "type" in normal and "expectation_type" not in normal:
        normal["expectation_type"] = normal.pop("type")
    for key in ("severity", "notes", "rendered_content", "description"):
        normal.pop(key, None)
    if "id" in normal and not isinstance(normal["id"], int):
        normal.pop("id")
    return normal


class ExpectationSuite:
    """Metadata object representing a feature validation expectation in the Feature Store."""

    def __init__(
        self,
        expectation_suite_name: str | None = None,
        expectations: list[Any] | None = None,
        meta: dict[str, Any] | str | None = None,
        id: int | None = None,
        run_validation: bool = True,
        validation_ingestion_policy: str = "always",
        feature_store_id: int | None = None,
        feature_group_id: int | None = None,
        href: str | None = None,
        **kwargs: Any,
    ) -> None:
        # GE 1.x's to_json_dict: name for expectation_suite_name, a UUID id, notes.
        if expectation_suite_name is None and "name" in kwargs:
            expectation_suite_name = kwargs.pop("name")
        kwargs.pop("notes", None)
        kwargs.pop("suite_parameters", None)
        if id is not None and not isinstance(id, int):
            id = None
        self._id = id
        self._expectation_suite_name = expectation_suite_name
        self._ge_cloud_id = kwargs.get("ge_cloud_id")
        self._data_asset_type = kwargs.get("data_asset_type")
        self._run_validation = run_validation
        self._validation_ingestion_policy = validation_ingestion_policy.upper()
        self._href = href
        self._feature_store_id = feature_store_id
        self._feature_group_id = feature_group_id
        if feature_group_id is None and href is not None:
            found = re.search(r"/featurestores/(\d+)/featuregroups/(\d+)/expectationsuite", href)
            if found:
                self._feature_store_id, self._feature_group_id = map(int, found.groups())
        self._validation: GroupValidation | None = None
        self._loading = True  # the setters below do not save while the object is made
        self._meta: dict[str, Any] = {}
        self.expectations = expectations
        self.meta = meta if meta is not None else {}
        self._loading = False

    # -- making ---------------------------------------------------------------------

    @classmethod
    def from_response_json(
        cls, json_dict: dict[str, Any]
    ) -> ExpectationSuite | list[ExpectationSuite] | None:
        decamelized = _decamelize(json_dict)
        if "count" in decamelized:
            if decamelized["count"] == 0:
                return None
            return [cls(**item) for item in decamelized["items"]]
        return cls(**decamelized)

    @classmethod
    def from_ge_type(
        cls,
        ge_expectation_suite: Any,
        run_validation: bool = True,
        validation_ingestion_policy: str = "ALWAYS",
        id: int | None = None,
        feature_store_id: int | None = None,
        feature_group_id: int | None = None,
    ) -> ExpectationSuite:
        """An hsfs suite of a great_expectations ``ExpectationSuite`` (0.18 or 1.x):
        any object with ``to_json_dict()`` does."""
        suite_dict = dict(ge_expectation_suite.to_json_dict())
        if "name" in suite_dict and "expectation_suite_name" not in suite_dict:
            suite_dict["expectation_suite_name"] = suite_dict.pop("name")
        suite_dict.pop("notes", None)
        suite_dict.pop("suite_parameters", None)
        given = suite_dict.pop("id", None)
        suite_dict["expectations"] = [
            _legacy(e) if isinstance(e, dict) else e for e in suite_dict.get("expectations") or []
        ]
        return cls(
            **suite_dict,
            id=id if id is not None else (given if isinstance(given, int) else None),
            run_validation=run_validation,
            validation_ingestion_policy=validation_ingestion_policy,
            feature_group_id=feature_group_id,
            feature_store_id=feature_store_id,
        )

    @classmethod
    def _from_record(
        cls, record: ExpectationSuiteRecord, feature_store_id: int, validation: GroupValidation
    ) -> ExpectationSuite:
        suite = record.suite
        made = cls(
            expectation_suite_name=suite["expectation_suite_name"],
            expectations=suite["expectations"],
            meta=suite.get("meta") or {},
            id=record.id,
            run_validation=record.run_validation,
            validation_ingestion_policy=record.validation_ingestion_policy,
            feature_store_id=feature_store_id,
            feature_group_id=record.feature_group_id,
            data_asset_type=suite.get("data_asset_type"),
            ge_cloud_id=suite.get("ge_cloud_id"),
        )
        made._validation = validation
        return made

    # -- JSON -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self._id,
            "featureStoreId": self._feature_store_id,
            "featureGroupId": self._feature_group_id,
            "expectationSuiteName": self._expectation_suite_name,
            "expectations": self._expectations,
            "meta": json.dumps(self._meta),
            "geCloudId": self._ge_cloud_id,
            "dataAssetType": self._data_asset_type,
            "runValidation": self._run_validation,
            "validationIngestionPolicy": self._validation_ingestion_policy.upper(),
        }

    def to_json_dict(self, decamelize: bool = False) -> dict[str, Any]:
        the_dict = {
            "id": self._id,
            "featureStoreId": self._feature_store_id,
            "featureGroupId": self._feature_group_id,
            "expectationSuiteName": self._expectation_suite_name,
            "expectations": [e.to_json_dict() for e in self._expectations],
            "meta": self._meta,
            "geCloudId": self._ge_cloud_id,
            "dataAssetType": self._data_asset_type,
            "runValidation": self._run_validation,
            "validationIngestionPolicy": self._validation_ingestion_policy.upper(),
        }
        return _decamelize(the_dict) if decamelize else the_dict

    def json(self) -> str:
        return json.dumps(self, cls=Encoder)

    def to_ge_type(self) -> Any:
        """GE's ``ExpectationSuite`` (needs great_expectations installed)."""
        ge = great_expectations()
        expectations = [e.to_ge_type() for e in self._expectations]
        if GE_MAJOR == 1:
            return ge.core.ExpectationSuite(
                name=self._expectation_suite_name, expectations=expectations, meta=self._meta
            )
        return ge.core.ExpectationSuite(
            expectation_suite_name=self._expectation_suite_name,
            ge_cloud_id=self._ge_cloud_id,
            data_asset_type=self._data_asset_type,
            expectations=expectations,
            meta=self._meta,
        )

    # -- the stored suite -------------------------------------------------------------

    def _store(self) -> GroupValidation:
        if self._validation is None:
            from ..featurestore import FeatureGroups
            from ..lab import get_lab

            self._validation = FeatureGroups(get_lab()).validation
        return self._validation

    def _attached(self) -> bool:
        return bool(self._id) and self._feature_group_id is not None

    def _save(self, expectations: list[GeExpectation] | None = None) -> None:
        """Write this suite (with ``expectations`` instead of its own, if given) over
        the stored one, ids kept, when attached; a suite that does not check out is
        refused, and then neither the stored suite nor this object changes."""
        if self._loading or not self._attached():
            if expectations is not None:
                self._expectations = expectations
            return
        from ..featurestore.featuregroups.expectations import suite_spec

        candidate = self.to_json_dict()
        if expectations is not None:
            candidate["expectations"] = [e.to_json_dict() for e in expectations]
        spec = suite_spec(candidate)
        record = self._store().save_suite(self._feature_group_id, spec)  # type: ignore[arg-type]
        self._expectations = [self._convert_expectation(e) for e in record.suite["expectations"]]

    def _set(self, name: str, value: Any) -> None:
        """Set an attribute and save; put it back if the save is refused."""
        before = getattr(self, name)
        setattr(self, name, value)
        try:
            self._save()
        except BaseException:
            setattr(self, name, before)
            raise

    def _convert_expectation(self, expectation: Any) -> GeExpectation:
        """``expectation`` (a ``GeExpectation``, a dict in 0.18 or 1.x shape, or GE's
        ``ExpectationConfiguration``) as a ``GeExpectation``."""
        if isinstance(expectation, GeExpectation):
            return expectation
        if isinstance(expectation, dict):
            return GeExpectation(**{"meta": {}, **_legacy(expectation)})
        if HAS_GREAT_EXPECTATIONS and hasattr(expectation, "to_json_dict"):
            return GeExpectation.from_ge_type(expectation)
        raise TypeError(f"Expectation of type {type(expectation)} is not supported.")

    def _require_attached(self) -> None:
        if not self._attached():
            raise FeatureStoreException(
                initialise_expectation_suite_for_single_expectation_api_message
            )

    def _find(self, expectation_id: int | None) -> int:
        for index, expectation in enumerate(self._expectations):
            if expectation.id is not None and expectation.id == expectation_id:
                return index
        raise FeatureStoreException(
            f"expectation suite {self._expectation_suite_name!r} has no expectation with id "
            f"{expectation_id}: its ids are {[e.id for e in self._expectations]}"
        )

    def _out(self, expectation: GeExpectation, ge_type: bool) -> Any:
        return expectation.to_ge_type() if ge_type else expectation

    def get_expectation(self, expectation_id: int, ge_type: bool = HAS_GREAT_EXPECTATIONS) -> Any:
        """The expectation with ``expectation_id`` of the stored suite."""
        self._require_attached()
        stored = self._store().suite_record(self._feature_group_id)  # type: ignore[arg-type]
        if stored is not None:
            self._expectations = [
                self._convert_expectation(e) for e in stored.suite["expectations"]
            ]
        return self._out(self._expectations[self._find(expectation_id)], ge_type)

    def add_expectation(self, expectation: Any, ge_type: bool = HAS_GREAT_EXPECTATIONS) -> Any:
        """Append ``expectation`` to the stored suite; answers it with its new id."""
        self._require_attached()
        converted = self._convert_expectation(expectation)
        meta = {k: v for k, v in converted.meta.items() if k != "expectationId"}
        fresh = GeExpectation(converted.expectation_type, converted.kwargs, meta)
        self._save([*self._expectations, fresh])
        return self._out(self._expectations[-1], ge_type)

    def replace_expectation(self, expectation: Any, ge_type: bool = HAS_GREAT_EXPECTATIONS) -> Any:
        """Replace the stored expectation with the same id (in ``meta["expectationId"]``
        or ``id``)."""
        self._require_attached()
        converted = self._convert_expectation(expectation)
        index = self._find(converted.id)
        converted.meta["expectationId"] = converted.id
        self._save([converted if i == index else e for i, e in enumerate(self._expectations)])
        return self._out(self._expectations[index], ge_type)

    def remove_expectation(self, expectation_id: int | None = None) -> None:
        """Remove the expectation with ``expectation_id`` from the stored suite."""
        self._require_attached()
        index = self._find(expectation_id)
        self._save([e for i, e in enumerate(self._expectations) if i != index])

    def __str__(self) -> str:
        return self.json()

    def __repr__(self) -> str:
        return (
            f"ExpectationSuite(id={self._id}, "
            f"expectation_suite_name='{self._expectation_suite_name}', "
            f"expectations={self._expectations}, meta={self._meta}, "
            f"data_asset_type='{self._data_asset_type}', ge_cloud_id={self._ge_cloud_id}, "
            f"run_validation={self._run_validation}, "
            f"validation_ingestion_policy='{self._validation_ingestion_policy}', "
            f"feature_group_id={self._feature_group_id}, "
            f"feature_store_id={self._feature_store_id})"
        )

    # -- properties (an attached suite saves each change at once) ---------------------

    @property
    def id(self) -> int | None:
        """Id of the expectation suite, set when attached to a feature group."""
        return self._id

    @id.setter
    def id(self, id: int) -> None:
        self._id = id

    @property
    def expectation_suite_name(self) -> str | None:
        """Name of the expectation suite."""
        return self._expectation_suite_name

    @expectation_suite_name.setter
    def expectation_suite_name(self, expectation_suite_name: str) -> None:
        self._set("_expectation_suite_name", expectation_suite_name)

    @property
    def data_asset_type(self) -> str | None:
        """Data asset type of the expectation suite, not used."""
        return self._data_asset_type

    @data_asset_type.setter
    def data_asset_type(self, data_asset_type: str | None) -> None:
        self._data_asset_type = data_asset_type

    @property
    def ge_cloud_id(self) -> Any:
        """ge_cloud_id of the expectation suite, not used."""
        return self._ge_cloud_id

    @property
    def run_validation(self) -> bool:
        """Whether the suite runs on inserts."""
        return self._run_validation

    @run_validation.setter
    def run_validation(self, run_validation: bool) -> None:
        self._set("_run_validation", run_validation)

    @property
    def validation_ingestion_policy(self) -> str:
        """``"STRICT"``: ingest a DataFrame only if every expectation passes;
        ``"ALWAYS"``: ingest it whatever the verdict."""
        return self._validation_ingestion_policy

    @validation_ingestion_policy.setter
    def validation_ingestion_policy(self, validation_ingestion_policy: str) -> None:
        self._set("_validation_ingestion_policy", str(validation_ingestion_policy).upper())

    @property
    def expectations(self) -> list[GeExpectation]:
        """The expectations run at validation."""
        return self._expectations

    @expectations.setter
    def expectations(self, expectations: list[Any] | None) -> None:
        if expectations is None:
            self._expectations = []
        elif isinstance(expectations, list):
            self._expectations = [self._convert_expectation(e) for e in expectations]
        else:
            raise TypeError(
                f"Type {type(expectations)} not supported. Expectations must be None or a list."
            )

    @property
    def meta(self) -> dict[str, Any]:
        """Meta field of the expectation suite to store additional information."""
        return self._meta

    @meta.setter
    def meta(self, meta: dict[str, Any] | str) -> None:
        if isinstance(meta, str):
            meta = json.loads(meta)
        if not isinstance(meta, dict):
            raise ValueError("Meta field must be stringified json or dict.")
        self._set("_meta", meta)
