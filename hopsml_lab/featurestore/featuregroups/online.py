"""The online store: the latest row of each primary key of every online-enabled feature
group, in the catalog's database (table ``online_rows``), for ``fg.read(online=True)``,
``query.read(online=True)``, ``fs.sql(online=True)`` and feature vectors (``serving``).

What a commit leaves online is what hsfs 5.x's Python engine leaves in RonDB:

* Within one insert, each primary key keeps one row: the one with the latest event time
  (the first of those on a tie), or, for a group without ``event_time``, the last row of
  the frame (hsfs marks only those rows for online ingestion).
* Across inserts the last written wins, whatever its event time (hsfs' default,
  ``upsert_if_newer=False``); ``overwrite=True`` replaces every row of the group.

After each committed insert of an online-enabled group, ``write_commit`` upserts that
commit's rows (``INSERT … ON CONFLICT DO UPDATE`` of the dialect, SQLite or PostgreSQL,
in batches, in one transaction with a lock on the group). A row keeps its values as
JSON: timestamps and dates as ISO text, decimals as text at the column's scale, binary
as base64, NaN as null; they are read back as the group's types (``FeatureSpec.type``).
The key is the canonical JSON of the primary key values in the group's primary key
order (``[7,"oslo"]``).

One more row per group, keyed ``#state`` (no primary key's JSON starts with ``#``),
records the last commit the online rows show. When it is not the commit before the one
being written (an online write failed, or the process died between the offline commit
and the online write), the group's online rows are rewritten from the Delta version of
the new commit instead of upserted, so the next insert repairs the online store;
``rebuild`` does the same at once. A failed online write raises ``OnlineStoreError``:
the offline commit stays, and the message says how the online rows get back.
``fg.delete()`` removes the rows by the table's ``ON DELETE CASCADE`` (SQLite runs with
foreign keys on).

``fg.insert(..., storage=...)`` writes only the store it names, as hsfs 5.2.1's python
engine does:

* ``"offline"`` (``skip_commit``): a commit whose rows do not go online; the online rows
  stay as they were, and stay so after later inserts, which upsert only their own rows.
  For that the ``#state`` row moves on to the offline-only commit when the online rows
  were at the commit before it, so the gap is not taken for a failed write. Were the
  online rows behind already (a failed write before it), the ``#state`` row stays, and
  the repair of the next insert (or ``rebuild``) rewrites them from its commit, the
  offline-only rows included. With ``overwrite=True`` the online rows are cleared, as
  Hopsworks clears the whole group (offline and online) before an overwrite.
* ``"online"`` (``write_rows``): rows upserted into the online rows only, with no commit;
  they carry the commit the ``#state`` row names and leave it as it is, and they stay
  until a later write replaces their keys (or a repair rewrites the rows from a commit).
"""

from __future__ import annotations

import base64
import json
import math
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from ...catalog import CommitRecord, FeatureGroupRecord, OnlineRow
from ...catalog.featurestore import FeatureGroupRow
from ...errors import Failed, clip
from ..errors import FeatureStoreException
from ..types import restore_dtypes

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ...catalog import Database
    from .reader import GroupReader

STATE_KEY = "#state"
BATCH = 5_000  # rows per INSERT statement; all batches of a write share one transaction
KEY_LIMIT = 1000  # the key column's length
_ROWS = OnlineRow.__table__


class OnlineStoreError(FeatureStoreException, Failed):
    """The online store could not be written; the offline commit stays (``record`` and
    ``commit`` say which: the group exists even when this was its first insert)."""

    def __init__(
        self,
        message: str,
        record: FeatureGroupRecord | None = None,
        commit: CommitRecord | None = None,
    ) -> None:
        super().__init__(message)
        self.record = record
        self.commit = commit


# -- values as JSON and back ------------------------------------------------------------


def _timestamp(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):  # a date, a string, epoch ms, a numpy value
        if isinstance(value, int | np.integer) and not isinstance(value, bool):
            value = pd.Timestamp(int(value), unit="ms")
        else:
            value = pd.Timestamp(value)
        if value is pd.NaT:
            return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def _date(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return pd.Timestamp(value).date().isoformat()


def _float(value: Any) -> float | str | None:
    if value is None:
        return None
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"  # JSON has no infinity
    return value


def _decimal(scale: int) -> Callable[[Any], str | None]:
    step = Decimal(1).scaleb(-scale)

    def encode(value: Any) -> str | None:
        if value is None:
            return None
        return format(Decimal(str(value)).quantize(step), "f")

    return encode


def _binary(value: Any) -> str | None:
    return None if value is None else base64.b64encode(bytes(value)).decode("ascii")


def _plain(value: Any) -> Any:
    """A nested value (array, struct, map) with JSON's types only."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return _timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return _binary(value)
    if isinstance(value, float | np.floating):
        return _float(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _scale(kind: str) -> int:
    return int(kind[len("decimal(") : -1].split(",")[1])


def encoder(kind: str) -> Callable[[Any], Any] | None:
    """How a value of hsfs type ``kind`` is stored in a row's JSON (None: as it is)."""
    if kind == "timestamp":
        return _timestamp
    if kind == "date":
        return _date
    if kind in ("double", "float"):
        return _float
    if kind.startswith("decimal("):
        return _decimal(_scale(kind))
    if kind == "binary":
        return _binary
    if kind.startswith(("array<", "struct<", "map<")):
        return _plain
    return None


def _read_timestamp(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _read_date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _read_float(value: Any) -> float | None:
    if value is None or value.__class__ is float:
        return value
    return float(value)  # an int in the JSON, or "inf"/"-inf"


def _read_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _read_binary(value: Any) -> bytes | None:
    return None if value is None else base64.b64decode(value)


def _read_map(value: Any) -> list[tuple[Any, Any]] | None:
    return None if value is None else [tuple(pair) for pair in value]


def decoder(kind: str) -> Callable[[Any], Any] | None:
    """How a stored value of hsfs type ``kind`` is read back (None: as it is)."""
    if kind == "timestamp":
        return _read_timestamp
    if kind == "date":
        return _read_date
    if kind in ("double", "float"):
        return _read_float
    if kind.startswith("decimal("):
        return _read_decimal
    if kind == "binary":
        return _read_binary
    if kind.startswith("map<"):
        return _read_map
    return None


def integer(value: Any) -> int:
    """``value`` as an int key value (a float must be whole)."""
    if isinstance(value, float | np.floating) and not float(value).is_integer():
        raise ValueError(f"{value} is not an integer")
    return int(value)


def key_coercer(kind: str) -> Callable[[Any], Any]:
    """How a serving key's value is turned into what the key JSON of hsfs type ``kind``
    holds (a value that cannot be one raises ``ValueError``/``TypeError``)."""
    if kind in ("int", "bigint"):
        return integer
    if kind == "string":
        return str
    if kind == "boolean":
        return bool
    stored = encoder(kind)
    return stored if stored is not None else (lambda value: value)


_KEY_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def key_of(values: Sequence[Any]) -> str:
    """The canonical JSON of a primary key's (stored) values: the row's key."""
    return _KEY_JSON(list(values))


def _stored(column: pa.ChunkedArray, kind: str) -> list[Any]:
    """A column's values as the rows store them (``encoder``), converted in Arrow where
    it can be."""
    kinds = pa.types
    if kind == "timestamp" and kinds.is_timestamp(column.type) and column.type.tz is None:
        text = pc.strftime(column.cast(pa.timestamp("us")), format="%Y-%m-%dT%H:%M:%S")
        return text.to_pylist()  # ISO with 6 fractional digits, as _timestamp writes
    if kind == "date" and kinds.is_date(column.type):
        return pc.strftime(column, format="%Y-%m-%d").to_pylist()
    values = column.to_pylist()
    if kind in ("double", "float") and pc.all(pc.is_finite(column)).as_py() is not False:
        return values  # no NaN or infinity to spell out (nulls are None already)
    encode = encoder(kind)
    return values if encode is None else [encode(v) for v in values]


# -- writing ------------------------------------------------------------------------------


def _latest(table: pa.Table, group: FeatureGroupRecord, seq: np.ndarray | None) -> pa.Table:
    """One row per primary key: the latest event time (the first such row on a tie) of
    the newest write the key is in, else the last row; ``seq`` numbers rows in write
    order as ``file rank * 2**32 + row in file`` (None: all rows are one write)."""
    n = table.num_rows
    keys = pd.DataFrame(
        {str(i): table.column(k).to_pandas() for i, k in enumerate(group.primary_key)}
    )
    subset = list(keys.columns)
    if not keys.duplicated().any():
        return table
    order = np.arange(n, dtype=np.int64) if seq is None else np.asarray(seq, dtype=np.int64)
    by = ["_rank"]
    keys["_rank"] = order >> 32
    if group.event_time:
        keys["_time"] = table.column(group.event_time).to_pandas()
        keys["_first"] = -(order & 0xFFFFFFFF)  # the first row of a tie wins (hsfs' idxmax)
        by += ["_time", "_first"]
    else:
        keys["_row"] = order & 0xFFFFFFFF
        by.append("_row")
    ranked = keys.sort_values(by, kind="stable", na_position="first")
    kept = np.sort(ranked.drop_duplicates(subset=subset, keep="last").index.to_numpy())
    return table.take(pa.array(kept))


_JSON_TEXT = json.encoder.encode_basestring  # a str as JSON (C, non-ASCII kept)
_JSON_ANY = json.JSONEncoder(ensure_ascii=False).encode


def _fragments(values: list[Any], kind: str) -> list[str]:
    """Stored values (``_stored``) as JSON text, a column at a time."""
    if kind in ("int", "bigint"):
        return ["null" if v is None else str(v) for v in values]
    if kind == "boolean":
        return ["null" if v is None else ("true" if v else "false") for v in values]
    if kind in ("double", "float"):
        return [
            repr(v) if v.__class__ is float else "null" if v is None else _JSON_ANY(v)
            for v in values
        ]
    if kind in ("string", "timestamp", "date", "binary") or kind.startswith("decimal("):
        return ["null" if v is None else _JSON_TEXT(v) for v in values]
    return [_JSON_ANY(v) for v in values]


def _rows(table: pa.Table, group: FeatureGroupRecord) -> list[tuple[str, str]]:
    """``(key, row as JSON text)`` of each row, values as stored."""
    names = [f.name for f in group.features]
    columns = [_stored(table.column(f.name), f.type) for f in group.features]
    kinds = {f.name: f.type for f in group.features}
    if len(group.primary_key) == 1 and kinds[group.primary_key[0]] in ("int", "bigint"):
        keys = [f"[{v}]" for v in columns[names.index(group.primary_key[0])]]
    else:
        index = [names.index(k) for k in group.primary_key]
        keys = [key_of([values[i] for i in index]) for values in zip(*columns, strict=True)]
    long = next((k for k in keys if len(k) > KEY_LIMIT), None)
    if long is not None:
        raise OnlineStoreError(
            f"the primary key {clip(long)} of feature group {group.name!r} is longer than "
            f"{KEY_LIMIT} characters as JSON: use shorter key values"
        )
    parts = [_JSON_TEXT(n).replace("%", "%%") + ":%s" for n in names]
    template = "{" + ",".join(parts) + "}"
    texts = [_fragments(values, f.type) for values, f in zip(columns, group.features, strict=True)]
    return [(key, template % row) for key, row in zip(keys, zip(*texts, strict=True), strict=True)]


# The rows' table for writes: the row given as JSON text, passed on as it is.
_TEXT_ROWS = sa.table(
    "online_rows",
    sa.column("feature_group_id"),
    sa.column("key"),
    sa.column("row"),
    sa.column("commit_id"),
)


def _upsert_statement(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_TEXT_ROWS)
    return statement.on_conflict_do_update(
        index_elements=["feature_group_id", "key"],
        set_={"row": statement.excluded.row, "commit_id": statement.excluded.commit_id},
    )


def _state(session: Session, group_id: int) -> int | None:
    return session.scalar(
        select(_ROWS.c.commit_id).where(
            _ROWS.c.feature_group_id == group_id, _ROWS.c.key == STATE_KEY
        )
    )


def _write(
    session: Session,
    group_id: int,
    rows: list[tuple[str, str]],
    commit_id: int,
    replace_all: bool,
) -> None:
    statement = _upsert_statement(session.get_bind().dialect.name)
    if replace_all:
        session.execute(delete(OnlineRow).where(OnlineRow.feature_group_id == group_id))
    rows = [*rows, (STATE_KEY, "{}")]
    for start in range(0, len(rows), BATCH):
        session.execute(
            statement,
            [
                {"feature_group_id": group_id, "key": key, "row": row, "commit_id": commit_id}
                for key, row in rows[start : start + BATCH]
            ],
        )


def _lock(session: Session, group_id: int) -> None:
    """Serialise online writes of one group (PostgreSQL; SQLite's writer lock does)."""
    session.execute(
        select(FeatureGroupRow.id).where(FeatureGroupRow.id == group_id).with_for_update()
    )


def _committed_rows(
    groups: GroupReader, group: FeatureGroupRecord, commit: CommitRecord
) -> list[tuple[str, str]]:
    """The online rows of the group's content at ``commit`` (its Delta version)."""
    from ..query.sql import SEQ

    names = [f.name for f in group.features]
    table = groups.table(group).read_ordered(commit.table_version, names, SEQ)
    seq = table.column(SEQ).to_numpy()
    return _rows(_latest(table.select(names), group, seq), group)


class _Stale(Exception):
    """The state row changed between the look and the write: write everything."""


def _apply(
    groups: GroupReader,
    group: FeatureGroupRecord,
    commit: CommitRecord,
    data: pa.Table | None,
    *,
    overwrite: bool,
    previous: int | None,
    full: bool,
) -> None:
    if full and not overwrite:
        rows = _committed_rows(groups, group, commit)
    else:
        assert data is not None
        rows = _rows(_latest(data.select([f.name for f in group.features]), group, None), group)
    with groups.lab.db.writing() as session:
        _lock(session, group.id)
        state = _state(session, group.id)
        if state is not None and state > commit.commit_id:
            return  # a later commit is online already (it wrote this one's rows too)
        if not (full or overwrite) and state != previous:
            raise _Stale
        _write(session, group.id, rows, commit.commit_id, replace_all=full or overwrite)


def write_commit(
    groups: GroupReader,
    group: FeatureGroupRecord,
    commit: CommitRecord,
    data: pa.Table,
    *,
    overwrite: bool = False,
) -> None:
    """Bring the online rows of ``group`` (if online enabled) to ``commit``, which wrote
    ``data`` (the whole content when ``overwrite``). Raises ``OnlineStoreError`` if the
    write fails; the commit stays offline."""
    if not group.online_enabled:
        return
    if not group.primary_key:
        raise OnlineStoreError(
            f"feature group {group.name!r} version {group.version} is online enabled but "
            "has no primary key, and the online store keeps one row per primary key: "
            f"commit {commit.commit_id} is in the offline store only. Create a new version "
            "with primary_key=[...] to serve it online",
            group,
            commit,
        )
    try:
        before = groups.commits(group, up_to_ms=commit.commit_id, limit=2)
        previous = before[1].commit_id if len(before) > 1 else None
        with groups.lab.db.reading() as session:
            state = _state(session, group.id)
        if state is not None and state > commit.commit_id:
            return
        full = state != previous
        try:
            _apply(groups, group, commit, data, overwrite=overwrite, previous=previous, full=full)
        except _Stale:
            _apply(groups, group, commit, data, overwrite=overwrite, previous=previous, full=True)
    except Exception as error:
        raise OnlineStoreError(
            f"feature group {group.name!r} version {group.version}: commit {commit.commit_id} "
            f"is in the offline store, but writing its rows to the online store failed: "
            f"{clip(error, 400)}. The online store still serves the rows of an earlier "
            "commit. The next insert into this group rewrites its online rows from its "
            "latest commit (or call hopsml_lab.featurestore.featuregroups.online.rebuild now)",
            group,
            commit,
        ) from error


def _set_state(session: Session, group_id: int, commit_id: int) -> None:
    statement = _upsert_statement(session.get_bind().dialect.name)
    row = {"feature_group_id": group_id, "key": STATE_KEY, "row": "{}", "commit_id": commit_id}
    session.execute(statement, [row])


def skip_commit(
    groups: GroupReader, group: FeatureGroupRecord, commit: CommitRecord, *, clear: bool = False
) -> None:
    """An offline-only commit (``insert(storage="offline")``): its rows stay out of the
    online store. The ``#state`` row moves to it when the online rows were at the commit
    before it (so the next insert upserts only its own rows); ``clear`` (an overwrite)
    deletes the online rows, which then show this commit: none."""
    if not group.online_enabled:
        return
    try:
        before = groups.commits(group, up_to_ms=commit.commit_id, limit=2)
        previous = before[1].commit_id if len(before) > 1 else None
        with groups.lab.db.writing() as session:
            _lock(session, group.id)
            state = _state(session, group.id)
            if state is not None and state > commit.commit_id:
                return  # a later commit is online already
            if clear:
                session.execute(delete(OnlineRow).where(OnlineRow.feature_group_id == group.id))
                _set_state(session, group.id, commit.commit_id)
            elif state == previous:
                _set_state(session, group.id, commit.commit_id)
    except Exception as error:
        raise OnlineStoreError(
            f"feature group {group.name!r} version {group.version}: commit {commit.commit_id} "
            "was written to the offline store only, as asked, but recording that in the "
            f"online store failed: {clip(error, 400)}. The next insert rewrites the online "
            "rows from its commit, this commit's rows included; delete those keys online "
            "afterwards if they must stay offline",
            group,
            commit,
        ) from error


def write_rows(groups: GroupReader, group: FeatureGroupRecord, data: pa.Table) -> int:
    """An online-only insert (``insert(storage="online")``): each key's latest row of
    ``data`` upserted into the online rows, with no offline commit; the rows written."""
    if not group.online_enabled or not group.primary_key:
        raise FeatureStoreException(
            f"feature group {group.name!r} version {group.version} has no online rows to "
            "write: it needs online_enabled=True and a primary key"
        )
    rows = _rows(_latest(data.select([f.name for f in group.features]), group, None), group)
    try:
        with groups.lab.db.writing() as session:
            _lock(session, group.id)
            commit_id = _state(session, group.id) or 0  # the commit the rows show
            statement = _upsert_statement(session.get_bind().dialect.name)
            for start in range(0, len(rows), BATCH):
                session.execute(
                    statement,
                    [
                        {"feature_group_id": group.id, "key": k, "row": r, "commit_id": commit_id}
                        for k, r in rows[start : start + BATCH]
                    ],
                )
    except Exception as error:
        raise OnlineStoreError(
            f"feature group {group.name!r} version {group.version}: writing rows to the "
            f"online store failed, and none were written: {clip(error, 400)}",
            group,
        ) from error
    return len(rows)


def rebuild(groups: GroupReader, group: FeatureGroupRecord) -> int:
    """Rewrite the online rows of ``group`` from its latest commit; the rows written."""
    if not group.online_enabled:
        raise FeatureStoreException(
            f"feature group {group.name!r} version {group.version} is not online enabled: "
            "it has no online rows"
        )
    commits = groups.commits(group, limit=1)
    with groups.lab.db.writing() as session:
        _lock(session, group.id)
        if not commits:
            session.execute(delete(OnlineRow).where(OnlineRow.feature_group_id == group.id))
            return 0
        rows = _committed_rows(groups, group, commits[0])
        _write(session, group.id, rows, commits[0].commit_id, replace_all=True)
        return len(rows)


def online_commit(db: Database, group: FeatureGroupRecord) -> int | None:
    """The commit the group's online rows show (None: none written yet)."""
    with db.reading() as session:
        return _state(session, group.id)


# -- reading ------------------------------------------------------------------------------


def check_online(groups: Sequence[FeatureGroupRecord]) -> None:
    offline = sorted({f"{g.name} (version {g.version})" for g in groups if not g.online_enabled})
    if offline:
        raise FeatureStoreException(
            f"feature group(s) {', '.join(offline)} are not online enabled, so they have no "
            "online rows: read with online=False, or create the group with "
            "online_enabled=True"
        )


def read_group(groups: GroupReader, group: FeatureGroupRecord) -> pd.DataFrame:
    """The group's online rows (one per primary key), its types and dtypes as inserted."""
    check_online([group])
    with groups.lab.db.reading() as session:
        stored = list(
            session.scalars(
                select(_ROWS.c.row).where(
                    _ROWS.c.feature_group_id == group.id, _ROWS.c.key != STATE_KEY
                )
            )
        )
    if not stored:
        return groups.empty(group).to_pandas()
    columns = {}
    for feature in group.features:
        read = decoder(feature.type)
        values = [row.get(feature.name) for row in stored]
        columns[feature.name] = values if read is None else [read(v) for v in values]
    frame = pd.DataFrame(columns)
    return restore_dtypes(frame, {f.name: f.dtype for f in group.features if f.dtype})


# -- point lookups (serving) -----------------------------------------------------------


class RowReader:
    """Reads stored rows by ``(feature_group_id, key)`` through SQLAlchemy (PostgreSQL,
    or an in-memory SQLite), with the statements built once."""

    def __init__(self, db: Database) -> None:
        self.engine = db.engine
        self._one = select(_ROWS.c.row).where(
            _ROWS.c.feature_group_id == bindparam("group"), _ROWS.c.key == bindparam("key")
        )
        self._many = select(_ROWS.c.key, _ROWS.c.row).where(
            _ROWS.c.feature_group_id == bindparam("group"),
            _ROWS.c.key.in_(bindparam("keys", expanding=True)),
        )

    def one(self, lookups: Sequence[tuple[int, str]]) -> list[dict[str, Any] | None]:
        """The row of each ``(group id, key)`` (None: no row)."""
        with self.engine.connect() as con:
            return [
                con.execute(self._one, {"group": group, "key": key}).scalar()
                for group, key in lookups
            ]

    def many(self, lookups: Sequence[tuple[int, list[str]]]) -> list[dict[str, dict[str, Any]]]:
        """``{key: row}`` of the rows found, one query per ``(group id, keys)``."""
        out: list[dict[str, dict[str, Any]]] = []
        with self.engine.connect() as con:
            for group, keys in lookups:
                found: dict[str, dict[str, Any]] = {}
                for start in range(0, len(keys), BATCH):
                    chunk = keys[start : start + BATCH]
                    for key, row in con.execute(self._many, {"group": group, "keys": chunk}):
                        found[key] = row
                out.append(found)
        return out

    def close(self) -> None:
        pass


_ONE_SQL = "SELECT row FROM online_rows WHERE feature_group_id = ? AND key = ?"
_MANY_SQL = (
    "SELECT key, row FROM online_rows WHERE feature_group_id = ? "
    "AND key IN (SELECT value FROM json_each(?))"
)


class SqliteRowReader(RowReader):
    """Reads rows of a SQLite catalog file over plain ``sqlite3`` connections (one per
    thread, read-only, autocommit: each lookup sees the latest commit), the statements
    compiled once per connection by sqlite3's statement cache."""

    def __init__(self, db: Database, path: str) -> None:
        super().__init__(db)
        self.path = path
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            con.execute("PRAGMA busy_timeout=60000")
            con.execute("PRAGMA query_only=ON")
            self._local.con = con
            with self._lock:
                self._opened.append(con)
        return con

    def one(self, lookups: Sequence[tuple[int, str]]) -> list[dict[str, Any] | None]:
        execute = self._connection().execute
        out: list[dict[str, Any] | None] = []
        for group, key in lookups:
            found = execute(_ONE_SQL, (group, key)).fetchone()
            out.append(None if found is None else json.loads(found[0]))
        return out

    def many(self, lookups: Sequence[tuple[int, list[str]]]) -> list[dict[str, dict[str, Any]]]:
        execute = self._connection().execute
        loads = json.loads
        return [
            {key: loads(row) for key, row in execute(_MANY_SQL, (group, json.dumps(keys)))}
            for group, keys in lookups
        ]

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for con in opened:
            con.close()
        self._local = threading.local()


def row_reader(db: Database) -> RowReader:
    """The fastest reader for the catalog: plain sqlite3 for a SQLite file, else
    SQLAlchemy."""
    url = make_url(db.url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return SqliteRowReader(db, url.database)
    return RowReader(db)


def iter_rows(db: Database, group: FeatureGroupRecord) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(key, stored row)`` of each online row of the group (for checks and tools)."""
    with db.reading() as session:
        yield from session.execute(
            select(_ROWS.c.key, _ROWS.c.row).where(
                _ROWS.c.feature_group_id == group.id, _ROWS.c.key != STATE_KEY
            )
        ).tuples()


def coerce_key(kinds: Sequence[str], values: Sequence[Any]) -> str | None:
    """The key of a primary key given as serving-key values (None: they cannot be; a
    None value never matches, as SQL's ``= NULL``)."""
    if any(value is None for value in values):
        return None
    try:
        stored = [key_coercer(kind)(value) for kind, value in zip(kinds, values, strict=True)]
    except (TypeError, ValueError, InvalidOperation, OverflowError):
        return None
    return key_of(stored)
