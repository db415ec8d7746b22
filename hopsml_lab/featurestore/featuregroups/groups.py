"""Feature groups: create on first insert, check each later insert against the schema
(and the group's expectation suite: ``expectations``), write one Delta commit, then
record it in the catalog.

The catalog is the truth: a group's content is the Delta version of its latest recorded
commit. A Delta commit the catalog failed to record is undone (restored) at once, and
again before the next write should the process have died in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from ...catalog import CommitRecord, FeatureGroupRecord, FeatureSpec
from ..errors import (
    BadFeatureInput,
    FeatureGroupExists,
)
from . import online
from .checks import check_keys, check_schema
from .expectations import DataValidationException, GroupValidation, Verdict
from .ingest import prepare_input
from .reader import GroupReader
from .sources import Source
from .spec import GroupSpec, feature_name
from .statistics import compute_for_version

if TYPE_CHECKING:
    from ...lab import Lab
    from ...validation import Report
    from ...validation.history import StoredReport

OPERATIONS = ("insert", "upsert")


@dataclass
class Ingested:
    """What an insert did: the group, its new commit (``None``: online only) and,
    when the group's suite ran, the report and its catalog entry."""

    record: FeatureGroupRecord
    commit: CommitRecord | None
    report: Report | None = None
    stored: StoredReport | None = None


class FeatureGroups(GroupReader):
    """The feature groups of the Lab's project: read (``GroupReader``) and written."""

    def __init__(self, lab: Lab) -> None:
        super().__init__(lab)
        self.validation = GroupValidation(self)

    # -- writing ------------------------------------------------------------------

    def register(self, spec: GroupSpec) -> FeatureGroupRecord:
        """Record the group's metadata (from declared features) without data."""
        if self.get(spec.name, spec.version) is not None:
            raise FeatureGroupExists(
                f"feature group {spec.name!r} version {spec.version} exists: get it with "
                "get_feature_group, or create another version"
            )
        if not spec.features:
            raise BadFeatureInput(
                f"feature group {spec.name!r} has no features: pass a DataFrame or a list "
                "of Feature objects to save()"
            )
        names = [f.name for f in spec.features]
        check_keys(spec, names, {f.name: f.type for f in spec.features})
        return self._saved(self._record(spec, spec.features), spec, new=True, undescribed=False)

    def _saved(
        self,
        record: FeatureGroupRecord,
        group: FeatureGroupRecord | GroupSpec,
        *,
        new: bool,
        undescribed: bool,
    ) -> FeatureGroupRecord:
        """Register a new group (with the suite it was created with), or keep the
        dtypes its first frame gave a group declared with features only."""
        if new:
            record = self.catalog.register_group(self.project_id, record)
            suite = getattr(group, "expectation_suite", None)
            if suite is not None:
                self.validation.save_suite(record.id, suite)
        elif undescribed:
            record = self.catalog.update_group(record.id, features=record.features)
        return record

    def insert(
        self,
        group: FeatureGroupRecord | GroupSpec,
        frame: pd.DataFrame | Any,
        *,
        operation: str = "upsert",
        overwrite: bool = False,
        write_options: dict[str, Any] | None = None,
        storage: str | None = None,
        validation_options: dict[str, Any] | None = None,
    ) -> tuple[FeatureGroupRecord, CommitRecord | None]:
        """``ingest``, answering the group and its new commit."""
        done = self.ingest(
            group,
            frame,
            operation=operation,
            overwrite=overwrite,
            write_options=write_options,
            storage=storage,
            validation_options=validation_options,
        )
        return done.record, done.commit

    def ingest(
        self,
        group: FeatureGroupRecord | GroupSpec,
        frame: pd.DataFrame | Any,
        *,
        operation: str = "upsert",
        overwrite: bool = False,
        write_options: dict[str, Any] | None = None,
        storage: str | None = None,
        validation_options: dict[str, Any] | None = None,
    ) -> Ingested:
        """Write ``frame`` (pandas, or a Spark DataFrame: see ``spark_insert``) as one
        commit; a new group (a ``GroupSpec``) is created, recording Delta's change data
        feed unless ``write_options={"delta.enableChangeDataFeed": "false"}`` (as hsfs).
        A group with an expectation suite validates the rows first (``expectations``):
        a ``STRICT`` group refuses failing rows with ``DataValidationException``,
        writing nothing.

        ``storage`` names the one store to write, as hsfs 5.2.1's python engine does
        (``None``: the offline store, and the online store when online enabled).
        ``"offline"``: the commit only; the online rows stay as they were
        (``online.skip_commit``), cleared by ``overwrite`` as Hopsworks clears the whole
        group first. ``"online"``: the online rows only, no commit (the commit is
        ``None``; a new group is registered without one)."""
        if operation not in OPERATIONS:
            raise BadFeatureInput(f"operation {operation!r}: use 'insert' or 'upsert'")
        if storage not in (None, "offline", "online"):
            raise BadFeatureInput(f"storage {storage!r}: use None, 'offline' or 'online'")
        source = prepare_input(frame, self.lab.settings)
        types = source.types
        if isinstance(group, GroupSpec):
            if self.get(group.name, group.version) is not None:
                raise FeatureGroupExists(
                    f"feature group {group.name!r} version {group.version} exists: get it "
                    "with get_feature_group and insert into that"
                )
            described = {f.name: f.description for f in group.features}
            features = [
                FeatureSpec(name=n, type=t, dtype=d, description=described.get(n, ""))
                for n, (t, d) in types.items()
            ]
            check_keys(group, list(types), {n: t for n, (t, _) in types.items()})
            record, new = self._record(group, features), True
        else:
            record, new = group, False
            check_schema(record, types)
        undescribed = any(not f.dtype for f in record.features)
        if undescribed:  # declared with save([Feature, ...]): the first frame sets dtypes
            record = record.model_copy(
                update={
                    "features": [
                        f.model_copy(update={"dtype": types[f.name][1]}) for f in record.features
                    ]
                }
            )
        source.check_primary_key(record, operation)
        verdict = self.validation.check_insert(group, source, validation_options)
        if verdict is not None and verdict.rejected:
            self._reject(record, group, new, verdict)
        if storage == "online":
            record = self._insert_online(record, group, new, undescribed, source, overwrite)
            return self._ingested(record, None, verdict)

        table = self.table(record)
        last = None if new else self._latest_commit(record)
        if new and table.exists():
            table.drop()  # a table left by a create that never reached the catalog
        elif last is not None and table.latest_version() != last.table_version:
            table.restore(last.table_version)  # a commit the catalog never recorded
        elif last is None and table.exists():
            table.drop()
        mode = "overwrite" if overwrite else operation
        feed = str((write_options or {}).get("delta.enableChangeDataFeed", "true"))
        result = source.write(
            table,
            mode=mode,
            primary_key=record.primary_key,
            partition_by=record.partition_key,
            change_data_feed=feed.lower() != "false",
        )
        try:
            # Statistics of the new version, stored with the commit row (same transaction).
            statistics = compute_for_version(self, record, result.table_version)
            record = self._saved(record, group, new=new, undescribed=undescribed)
            commit = self.catalog.add_commit(
                record.id,
                result.table_version,
                inserted=result.inserted,
                updated=result.updated,
                deleted=result.deleted,
                statistics=statistics,
            )
        except BaseException:
            if new or last is None:
                table.drop()
            else:
                table.restore(last.table_version)
            raise
        done = self._ingested(record, commit, verdict)  # the report, on the commit it checked
        if storage == "offline":  # the online rows stay (overwrite: cleared)
            online.skip_commit(self, record, commit, clear=overwrite)
            return done
        # Online-enabled: the commit's latest row per key to the online store (a failure
        # raises OnlineStoreError and leaves the commit; the next insert repairs).
        data = source.rows_written(table, result, wanted=record.online_enabled)
        online.write_commit(self, record, commit, data, overwrite=overwrite)
        return done

    def _ingested(
        self, record: FeatureGroupRecord, commit: CommitRecord | None, verdict: Verdict | None
    ) -> Ingested:
        if verdict is None:
            return Ingested(record, commit)
        return Ingested(
            record, commit, verdict.report, self.validation.keep(verdict, record, commit)
        )

    def _reject(
        self,
        record: FeatureGroupRecord,
        group: FeatureGroupRecord | GroupSpec,
        new: bool,
        verdict: Verdict,
    ) -> None:
        """A STRICT group's failing insert: nothing written; a new group registered
        without data (as Hopsworks registers it before validating), the report kept."""
        if new:
            record = self._saved(record, group, new=True, undescribed=False)
        stored = self.validation.keep(verdict, record, None)
        raise DataValidationException(
            self.validation.rejection(record, verdict), record, verdict.report, stored
        )

    def _insert_online(
        self,
        record: FeatureGroupRecord,
        group: FeatureGroupRecord | GroupSpec,
        new: bool,
        undescribed: bool,
        source: Source,
        overwrite: bool,
    ) -> FeatureGroupRecord:
        """``insert(storage="online")``: the rows to the online store only; no commit."""
        if not record.online_enabled:
            raise BadFeatureInput(
                f"feature group {record.name!r} is not online enabled, so it has no online "
                "store to write: insert with storage=None or 'offline'"
            )
        if not record.primary_key:
            raise BadFeatureInput(
                f"feature group {record.name!r} has no primary key, and the online store "
                "keeps one row per primary key: create it with primary_key=[...]"
            )
        if overwrite:
            raise BadFeatureInput(
                "overwrite=True with storage='online': Hopsworks clears the whole group "
                "(offline rows too) before such a write, and an online-only insert makes no "
                "offline commit here. Use overwrite=True with storage=None to replace both "
                "stores, or upsert the online rows without overwrite"
            )
        data = source.rows()  # before the group is registered: a bad frame leaves nothing
        record = self._saved(record, group, new=new, undescribed=undescribed)
        online.write_rows(self, record, data)
        return record

    # -- reading ------------------------------------------------------------------

    # -- metadata -----------------------------------------------------------------

    def update_description(self, group: FeatureGroupRecord, text: str) -> FeatureGroupRecord:
        return self.catalog.update_group(group.id, description=text)

    def update_feature_description(
        self, group: FeatureGroupRecord, name: str, text: str
    ) -> FeatureGroupRecord:
        name = feature_name(name)
        if name not in [f.name for f in group.features]:
            raise BadFeatureInput(
                f"feature group {group.name!r} has no feature {name!r}: its features are "
                f"{[f.name for f in group.features]}"
            )
        features = [
            f.model_copy(update={"description": text}) if f.name == name else f
            for f in group.features
        ]
        return self.catalog.update_group(group.id, features=features)

    def delete(self, group: FeatureGroupRecord) -> None:
        """Forget the group in the catalog, then delete its table's files."""
        table = self.table(group)
        self.catalog.delete_group(group.id)
        table.drop()

    def _record(self, spec: GroupSpec, features: list[FeatureSpec]) -> FeatureGroupRecord:
        return FeatureGroupRecord(
            name=spec.name,
            version=spec.version,
            description=spec.description or "",
            primary_key=spec.primary_key,
            event_time=spec.event_time,
            partition_key=spec.partition_key,
            online_enabled=spec.online_enabled,
            time_travel_format=spec.time_travel_format,
            features=features,
            location=f"FeatureStore/{spec.name}_{spec.version}",
            statistics_config=spec.statistics_config,
        )
