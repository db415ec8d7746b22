"""hsfs' ``FeatureGroupWriter``: the context manager ``fg.multi_part_insert()`` gives
for many small inserts.

>>> with fg.multi_part_insert() as writer:          # doctest: +SKIP
...     for batch in batches:
...         writer.insert(batch)
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .feature_group import FeatureGroup


class FeatureGroupWriter:
    """Context manager for multi-part inserts into a feature group: each ``insert`` is
    one commit (validated as ``FeatureGroup.insert`` validates); leaving the context
    finalizes the multi part insert."""

    def __init__(self, feature_group: FeatureGroup) -> None:
        self._feature_group = feature_group

    def __enter__(self) -> FeatureGroupWriter:
        return self

    def insert(
        self,
        features: Any,
        overwrite: bool | None = False,
        operation: str | None = "upsert",
        storage: str | None = None,
        write_options: dict[str, Any] | None = None,
        validation_options: dict[str, Any] | None = None,
        transformation_context: dict[str, Any] | None = None,
        transform: bool = True,
        n_processes: int | None = None,
    ) -> tuple[None, Any]:
        """Insert one batch; answers ``(job, validation report)`` as ``insert``."""
        return self._feature_group.insert(
            features=features,
            overwrite=bool(overwrite),
            operation=operation or "upsert",
            storage=storage,
            write_options={"start_offline_materialization": False, **(write_options or {})},
            validation_options={"fetch_expectation_suite": False, **(validation_options or {})},
            transformation_context=transformation_context,
            transform=transform,
            n_processes=n_processes,
        )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self._feature_group.finalize_multi_part_insert()
