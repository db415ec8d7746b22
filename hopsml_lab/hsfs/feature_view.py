"""hsfs' ``FeatureView``: a saved query over feature groups, with labels, helper columns
and transformation functions; training data and batch data come from it.

The names, arguments and return shapes are hsfs 5.2.1's. What differs, because there is
no cluster: ``create_*`` return ``(version, None)`` (no materialisation job), in-memory
training datasets are read again from the commits their lineage names (hsfs reads the
feature groups as they are now), ``spine``/``spine_df``/``lookback`` are not offered,
and ``init_batch_scoring()`` without a version uses the newest training dataset that
has fitted transformation statistics (hsfs needs the version). Online serving
(``init_serving``, ``get_feature_vector(s)``, ``get_inference_helper(s)``) is the
``featurestore.featureviews.serving`` module's.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from ..featurestore.errors import FeatureStoreException, VersionWarning
from ..featurestore.featureviews import view_transforms
from ..featurestore.query.plan import Combined, Condition, Predicate, QuerySpec
from .constructor.filter import Filter, Logic
from .constructor.join import Join
from .constructor.query import Query
from .feature_view_data import TrainingDataMethods
from .training_dataset_feature import TrainingDatasetFeature

if TYPE_CHECKING:
    from ..catalog import FeatureViewRecord
    from ..featurestore.featureviews.training import TrainingData
    from ..featurestore.featureviews.views import FeatureViews
    from .feature_store import FeatureStore


def _query_from_spec(store: FeatureStore, spec: QuerySpec) -> Query:
    """A facade ``Query`` of a stored spec (its groups as saved feature groups)."""
    fg = store._wrap(spec.left.group)
    query = Query(fg, [fg[n] for n in spec.left.features])
    for join in spec.joins:
        sub = _query_from_spec(store, join.query)
        query._joins.append(
            Join(sub, join.on, join.left_on, join.right_on, join.join_type, join.prefix)
        )
    if spec.predicate is not None:
        groups = {g.id: g for g in query.featuregroups}

        def build(p: Predicate) -> Filter | Logic:
            if isinstance(p, Combined):
                return Logic._combine(p.kind, build(p.left), build(p.right))
            assert isinstance(p, Condition)
            group = groups.get(p.group_id)
            feature = group[p.feature] if group is not None else query.get_feature(p.feature)
            return Filter(feature, p.operator, p.value)

        built = build(spec.predicate)
        query._filter = Logic._Single(built) if isinstance(built, Filter) else built
    return query


class FeatureView(TrainingDataMethods):
    """A feature view version. Made by ``FeatureStore.create_feature_view`` /
    ``get_feature_view``, not directly."""

    ENTITY_TYPE = "featureview"

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # pragma: no cover
        raise TypeError(
            "get a FeatureView from the feature store: fs.get_or_create_feature_view(...)"
        )

    @classmethod
    def _from_record(cls, store: FeatureStore, record: FeatureViewRecord) -> FeatureView:
        fv = object.__new__(cls)
        fv._store = store
        fv._record = record
        fv._last_accessed_training_dataset = None
        fv._batch_version = None
        fv._serving = None
        return fv

    @classmethod
    def _create(
        cls,
        store: FeatureStore,
        name: str,
        query: Query,
        version: int | None,
        description: str | None,
        labels: list[str] | None,
        inference_helper_columns: list[str] | None,
        training_helper_columns: list[str] | None,
        transformation_functions: list[Any] | dict[str, Any] | None,
        logging_enabled: bool | None,
        max_feature_age: Any,
    ) -> FeatureView:
        if not isinstance(query, Query):
            raise FeatureStoreException(
                f"create a feature view from a Query (fg.select_all(), fg.select([...])), "
                f"not a {type(query).__name__}"
            )
        if logging_enabled:
            raise FeatureStoreException(
                "feature logging is not offered here: create the view with logging_enabled=False"
            )
        if max_feature_age is not None:
            raise FeatureStoreException(
                "max_feature_age is not offered here: leave it out (joins take the latest "
                "feature row at or before each row, however old)"
            )
        views, _ = store._view_services()
        names = [out for _, _, out in query._plan().outputs]
        stored = view_transforms.bind_to_json(transformation_functions, names)
        record = views.create(
            name,
            query._spec(),
            version=version,
            description=description or "",
            labels=labels,
            inference_helper_columns=inference_helper_columns,
            training_helper_columns=training_helper_columns,
            transformation_functions=stored,
        )
        return cls._from_record(store, record)

    # -- services -------------------------------------------------------------------

    @property
    def _views(self) -> FeatureViews:
        return self._store._view_services()[0]

    @property
    def _training(self) -> TrainingData:
        return self._store._view_services()[1]

    @property
    def _engine(self) -> str:
        return self._store.engine

    def _spark(self) -> Any:
        if self._engine != "spark":
            return None
        return self._views.lab.spark.session()

    # -- metadata -------------------------------------------------------------------

    @property
    def id(self) -> int:
        return self._record.id

    @property
    def featurestore_id(self) -> int:
        return self._views.project_id

    @property
    def feature_store_name(self) -> str:
        return self._store.name

    @property
    def name(self) -> str:
        return self._record.name

    @property
    def version(self) -> int:
        return self._record.version

    @property
    def description(self) -> str:
        return self._record.description

    @description.setter
    def description(self, description: str | None) -> None:
        self._record = self._record.model_copy(update={"description": description or ""})

    def update(self) -> FeatureView:
        """Save the changed ``description`` (the one field hsfs lets you update)."""
        self._record = self._views.catalog.update_view(
            self._record.id, description=self._record.description
        )
        return self

    @property
    def labels(self) -> list[str]:
        return list(self._record.labels)

    @property
    def inference_helper_columns(self) -> list[str]:
        return list(self._record.inference_helper_columns)

    @property
    def training_helper_columns(self) -> list[str]:
        return list(self._record.training_helper_columns)

    @property
    def query(self) -> Query:
        """The view's query, rebuilt from the catalog."""
        return _query_from_spec(self._store, self._views.spec(self._record))

    @property
    def features(self) -> list[TrainingDatasetFeature]:
        """The untransformed features of the view, in query order."""
        groups = {g.id: g for g in self._views.groups.list()}
        return [
            TrainingDatasetFeature(
                f.name,
                type=f.type or None,
                index=f.index,
                featuregroup=(
                    self._store._wrap(groups[f.feature_group_id])
                    if f.feature_group_id in groups
                    else None
                ),
                feature_group_feature_name=f.feature_group_feature_name,
                label=f.label,
                inference_helper_column=f.inference_helper_column,
                training_helper_column=f.training_helper_column,
            )
            for f in self._record.features
        ]

    schema = features

    @property
    def primary_keys(self) -> set[str]:
        """The names ``get_feature_vector`` takes the serving keys under (hsfs'
        ``required_serving_key`` of each serving key)."""
        return {k.required_serving_key for k in self.serving_keys}

    @property
    def serving_keys(self) -> list[Any]:
        """The primary keys of the query's feature groups, as hsfs' ``ServingKey``."""
        from ..featurestore.featureviews.serving import serving_keys

        return serving_keys(self._views.query_plan(self._record), self._record.labels)

    @property
    def transformation_functions(self) -> list[Any]:
        """The view's model-dependent ``TransformationFunction`` objects, in the order
        they run."""
        bound = view_transforms.load(self._record.transformation_functions)
        return view_transforms.functions(bound)

    def get_feature(self, name: str) -> Any:
        return self.query.get_feature(name)

    def __getitem__(self, name: str) -> Any:
        return self.get_feature(name)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self.get_feature(name)
        except (KeyError, FeatureStoreException):
            raise AttributeError(f"'FeatureView' object has no attribute {name!r}") from None

    def delete(self, force: bool = False) -> None:
        """Delete this version, its training datasets' metadata and their files."""
        self._training.delete_view(self._record)

    def get_last_accessed_training_dataset(self) -> int | None:
        return self._last_accessed_training_dataset

    def update_last_accessed_training_dataset(self, version: int | None) -> None:
        self._last_accessed_training_dataset = version

    # -- online serving (featurestore.featureviews.serving) ---------------------------

    def init_serving(
        self,
        training_dataset_version: int | None = None,
        external: bool | None = None,
        options: dict[str, Any] | None = None,
        init_sql_client: bool | None = None,
        init_rest_client: bool = False,
        reset_rest_client: bool = False,
        config_rest_client: dict[str, Any] | None = None,
        default_client: str | None = None,
        feature_logger: Any = None,
        n_processes: int | None = None,
        **kwargs: Any,
    ) -> None:
        """Prepare online lookups; transformations use training dataset
        ``training_dataset_version``'s fitted statistics (``None``: version 1 with a
        ``VersionWarning``, as hsfs). Client options are accepted and change nothing."""
        from ..featurestore.featureviews import serving

        if training_dataset_version is None:
            training_dataset_version = 1
            warnings.warn(
                "No training dataset version was provided to initialise serving. "
                "Defaulting to version 1.",
                VersionWarning,
                stacklevel=2,
            )
        record = self._training.catalog.get_training_dataset(
            self._views.project_id, self._record.id, self._record.name, training_dataset_version
        )
        fitted = None if record is None else record.transformation_statistics
        bound = view_transforms.without_labels(
            view_transforms.load(self._record.transformation_functions), self._record.labels
        )
        self._serving = serving.serving_for(self._record, self._views.groups, bound, fitted)

    def _serve(self) -> Any:
        if self._serving is None:
            self.init_serving()
        return self._serving

    @staticmethod
    def _keys(serving_keys: Any, entry: Any, method: str) -> Any:
        if entry is None:
            return serving_keys
        if serving_keys is not None:
            raise FeatureStoreException(
                f"{method}() received both `serving_keys` and `entry`, which name the same "
                "argument. Pass only `serving_keys`; `entry` is deprecated."
            )
        warnings.warn(
            f"`entry` is deprecated in {method}() and will be removed in a future release. "
            "Use `serving_keys` instead; it takes the same value.",
            DeprecationWarning,
            stacklevel=3,
        )
        return entry

    def get_feature_vector(
        self,
        serving_keys: dict[str, Any] | None = None,
        passed_features: dict[str, Any] | None = None,
        external: bool | None = None,
        return_type: str = "list",
        allow_missing: bool = False,
        force_rest_client: bool = False,
        force_sql_client: bool = False,
        transform: bool | None = True,
        on_demand_features: bool | None = True,
        request_parameters: dict[str, Any] | None = None,
        transformation_context: dict[str, Any] | None = None,
        logging_data: bool = False,
        n_processes: int | None = None,
        timeout: float | None = None,
        entry: dict[str, Any] | None = None,
    ) -> Any:
        """One feature vector from the online store (``featurestore.featureviews.serving``)."""
        keys = self._keys(serving_keys, entry, "get_feature_vector")
        return self._serve().vector(
            keys,
            passed_features=passed_features,
            return_type=return_type,
            allow_missing=allow_missing,
            transform=bool(transform),
        )

    def get_feature_vectors(
        self,
        serving_keys: list[dict[str, Any]] | None = None,
        passed_features: list[dict[str, Any]] | None = None,
        external: bool | None = None,
        return_type: str = "list",
        allow_missing: bool = False,
        force_rest_client: bool = False,
        force_sql_client: bool = False,
        transform: bool | None = True,
        on_demand_features: bool | None = True,
        request_parameters: list[dict[str, Any]] | None = None,
        transformation_context: dict[str, Any] | None = None,
        logging_data: bool = False,
        n_processes: int | None = None,
        timeout: float | None = None,
        entry: list[dict[str, Any]] | None = None,
    ) -> Any:
        """Feature vectors from the online store (``featurestore.featureviews.serving``)."""
        keys = self._keys(serving_keys, entry, "get_feature_vectors")
        return self._serve().vectors(
            keys,
            passed_features=passed_features,
            return_type=return_type,
            allow_missing=allow_missing,
            transform=bool(transform),
        )

    def get_inference_helper(
        self,
        serving_keys: dict[str, Any] | None = None,
        external: bool | None = None,
        return_type: str = "pandas",
        force_rest_client: bool = False,
        force_sql_client: bool = False,
        entry: dict[str, Any] | None = None,
    ) -> Any:
        """The inference helper columns of one entry (``featurestore.featureviews.serving``)."""
        keys = self._keys(serving_keys, entry, "get_inference_helper")
        return self._serve().inference_helper(keys, return_type=return_type)

    def get_inference_helpers(
        self,
        serving_keys: list[dict[str, Any]] | None = None,
        external: bool | None = None,
        return_type: str = "pandas",
        force_sql_client: bool = False,
        force_rest_client: bool = False,
        entry: list[dict[str, Any]] | None = None,
    ) -> Any:
        """The inference helper columns of several entries (``featureviews.serving``)."""
        keys = self._keys(serving_keys, entry, "get_inference_helpers")
        return self._serve().inference_helpers(keys, return_type=return_type)

    def __repr__(self) -> str:
        return f"FeatureView({self.name!r}, {self.version}, {self.description!r})"
