"""pandas DataFrames in the project's files, with the names of Hopsworks'
``hops.pandas_helper``.

Paths are project-relative (or absolute inside the project) and go through the project's
store like :mod:`hopsml_lab.hdfs`, so they work on a local folder and on HDFS, on the
driver and inside trials. Writes replace the file whole. ``**kwds`` go to pandas'
own reader or writer.

>>> pandas_helper.write_csv("Resources/t.csv", df, index=False)   # doctest: +SKIP
>>> pandas_helper.read_csv("Resources/t.csv")                     # doctest: +SKIP
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from . import hdfs


def _buffer(hdfs_filename: str) -> io.BytesIO:
    return io.BytesIO(hdfs.load(hdfs_filename))


def read_csv(hdfs_filename: str, **kwds: Any) -> pd.DataFrame:
    return pd.read_csv(_buffer(hdfs_filename), **kwds)


def read_parquet(hdfs_filename: str, **kwds: Any) -> pd.DataFrame:
    return pd.read_parquet(_buffer(hdfs_filename), **kwds)


def read_json(hdfs_filename: str, **kwds: Any) -> Any:
    return pd.read_json(_buffer(hdfs_filename), **kwds)


def read_excel(hdfs_filename: str, **kwds: Any) -> Any:
    """``pandas.read_excel`` (needs an Excel engine such as openpyxl installed)."""
    return pd.read_excel(_buffer(hdfs_filename), **kwds)


def write_csv(hdfs_filename: str, dataframe: pd.DataFrame, **kwds: Any) -> None:
    hdfs.dump(dataframe.to_csv(**kwds), hdfs_filename)


def write_parquet(hdfs_filename: str, dataframe: pd.DataFrame, **kwds: Any) -> None:
    buffer = io.BytesIO()
    dataframe.to_parquet(buffer, **kwds)
    hdfs.dump(buffer.getvalue(), hdfs_filename)


def write_json(hdfs_filename: str, dataframe: pd.DataFrame, **kwds: Any) -> None:
    hdfs.dump(dataframe.to_json(**kwds), hdfs_filename)
