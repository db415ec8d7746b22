"""What the pandas and Spark paths of training datasets share, below both: what
writing a version gives (``Written``), the label check, and what ``spark_datasets``
needs of ``datasets.Datasets`` (``DatasetsHost``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import BadFeatureInput

if TYPE_CHECKING:
    from ...catalog import FeatureViewCatalog, FeatureViewRecord, LineageEntry
    from ..query.plan import QuerySpec
    from .training_parts import TrainingHost
    from .views import FeatureViews


@dataclass
class Written:
    """What writing a version's files gives for its record."""

    dtypes: dict[str, str]
    lineage: list[LineageEntry]
    query: dict[str, Any] | None
    statistics: dict[str, Any] | None
    on_spark: bool


def check_label(label: list[str], columns: list[str]) -> None:
    """Refuse a label that is not a column of the data."""
    missing = [n for n in label if n not in columns]
    if missing:
        raise BadFeatureInput(
            f"label {missing} is not a column of the data ({columns}): name a selected feature"
        )


class DatasetsHost(Protocol):
    """What ``spark_datasets`` needs of ``datasets.Datasets``."""

    training: TrainingHost
    views: FeatureViews
    catalog: FeatureViewCatalog

    def query_view(
        self, source: QuerySpec, name: str, label: list[str]
    ) -> tuple[FeatureViewRecord, dict[str, Any]]: ...
