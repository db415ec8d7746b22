"""The training dataset an ``AblationStudy`` names, looked up in the project's feature
store (hsfs 3.x's ``fs.get_training_dataset(name, version)``) as maggy does."""

from __future__ import annotations

from typing import Any

from ...errors import BadInput, NotFound
from ...experiments.ablation_data import TrainingDataSource


def training_data_source(study: Any) -> TrainingDataSource:
    """Where the study's training dataset is and what its columns are."""
    from ... import hsfs

    name = study.hops_training_dataset_name
    version = study.hops_training_dataset_version
    if not isinstance(name, str) or not name:
        raise BadInput(f"training_dataset_name={name!r}: give the training dataset's name")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise BadInput(f"training_dataset_version={version!r}: give a version number (1, 2, ...)")
    fs = hsfs.connection(engine="python").get_feature_store()
    td = fs.get_training_dataset(name, version)
    if td is None:
        known = sorted({f"{t.name} v{t.version}" for t in fs.get_training_datasets(name)})
        raise NotFound(
            f"no training dataset {name!r} version {version} in the feature store "
            f"({'versions: ' + ', '.join(known) if known else 'none by that name'}): create "
            "it with fs.create_training_dataset(name, version=..., label=[...]).save(df), "
            "or pass dataset_generator= to AblationStudy"
        )
    record = td._meta
    if not record.location:
        raise BadInput(
            f"training dataset {name!r} version {version} has no files to read: save it "
            "with td.save(...) first"
        )
    return TrainingDataSource(
        name=record.name,
        version=record.version,
        location=record.location,
        data_format=record.data_format,
        folders=tuple(s.name for s in record.splits) or (record.name,),
        dtypes=dict(record.settings.get("dtypes", {})),
        label=study.label_name,
    )
