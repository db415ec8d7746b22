"""The training data an ``AblationStudy(name, version, label_name)`` names, looked up in
the project's feature store.

The lookup order:

1. an hsfs 3.x training dataset ``name`` version ``version``
   (``fs.get_training_dataset(name, version)``), as maggy does;
2. else the latest version of feature view ``name`` (``fs.get_feature_views(name)``),
   and its training dataset version ``version`` (made with
   ``fv.create_training_data(...)`` or ``fv.train_test_split(...)``, so its files exist).
   The columns a model sees there are those ``fv.get_training_data(version)`` gives:
   primary key, event time and training helper columns written with the files are not
   features, and cannot be ablated;
3. else a ``NotFound`` naming what exists of either.
"""

from __future__ import annotations

from typing import Any

from ...catalog import TrainingDatasetRecord
from ...errors import BadInput, NotFound
from ...experiments.ablation_data import TrainingDataSource


def training_data_source(study: Any) -> TrainingDataSource:
    """Where the study's training data is and what its columns are."""
    from ... import hsfs

    name = study.hops_training_dataset_name
    version = study.hops_training_dataset_version
    if not isinstance(name, str) or not name:
        raise BadInput(f"training_dataset_name={name!r}: give the training dataset's name")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise BadInput(f"training_dataset_version={version!r}: give a version number (1, 2, ...)")
    fs = hsfs.connection(engine="python").get_feature_store()
    td = fs.get_training_dataset(name, version)
    if td is not None:
        return _source(td._meta, f"training dataset {name!r} version {version}", study.label_name)
    views = fs.get_feature_views(name)
    if views:
        return _feature_view_source(max(views, key=lambda v: v.version), version, study)
    known = sorted({f"{t.name} v{t.version}" for t in fs.get_training_datasets(name)})
    raise NotFound(
        f"no training dataset {name!r} version {version} and no feature view {name!r} in the "
        f"feature store ({'versions: ' + ', '.join(known) if known else 'none by that name'}): "
        "create it with fs.create_training_dataset(name, version=..., label=[...]).save(df), "
        "or a feature view's with fv.create_training_data(...), or pass dataset_generator= "
        "to AblationStudy"
    )


def _feature_view_source(view: Any, version: int, study: Any) -> TrainingDataSource:
    """Training dataset ``version`` of the feature view (its files, its columns)."""
    record = view._training.get(view._record, version)  # names the versions it has if not
    what = f"training dataset version {version} of feature view {view.name!r} v{view.version}"
    if not record.materialized:
        raise BadInput(
            f"{what} was made in memory (fv.training_data / fv.train_test_split without "
            "files): ablation trials read files, so create a version with "
            "fv.create_training_data(...) and pass its number"
        )
    settings = record.settings
    features = {f.name for f in view._record.features}
    not_features = (
        (set(settings.get("key_columns", [])) - features)
        | (set(settings.get("time_columns", [])) - features)
        | set(view._record.training_helper_columns)
    )
    return _source(record, what, study.label_name, tuple(sorted(not_features)))


def _source(
    record: TrainingDatasetRecord, what: str, label: str, not_features: tuple[str, ...] = ()
) -> TrainingDataSource:
    if not record.location:
        raise BadInput(f"{what} has no files to read: save it with td.save(...) first")
    return TrainingDataSource(
        name=record.name,
        version=record.version,
        location=record.location,
        data_format=record.data_format,
        folders=tuple(s.name for s in record.splits) or (record.name,),
        dtypes=dict(record.settings.get("dtypes", {})),
        label=label,
        not_features=not_features,
    )
