"""NumPy arrays in the project's files, with the names of Hopsworks' ``hops.numpy_helper``.

Paths are project-relative (or absolute inside the project) and go through the project's
store like :mod:`hopsml_lab.hdfs`, so they work on a local folder and on HDFS, on the
driver and inside trials. Files are written under exactly the name given (NumPy's own
``save`` would add ``.npy``). ``fromfile`` and ``memmap`` need a file on disk: they read a
copy in the working folder, as hops does.

>>> numpy_helper.save("Resources/x.npy", np.arange(3))      # doctest: +SKIP
>>> numpy_helper.load("Resources/x.npy")                    # doctest: +SKIP
array([0, 1, 2])
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from . import hdfs


def _buffer(hdfs_filename: str) -> io.BytesIO:
    return io.BytesIO(hdfs.load(hdfs_filename))


def load(hdfs_filename: str, **kwds: Any) -> Any:
    """``numpy.load`` of a ``.npy`` or ``.npz`` file in the project."""
    return np.load(_buffer(hdfs_filename), **kwds)


def loadtxt(hdfs_filename: str, **kwds: Any) -> np.ndarray:
    return np.loadtxt(_buffer(hdfs_filename), **kwds)


def genfromtxt(hdfs_filename: str, **kwds: Any) -> np.ndarray:
    return np.genfromtxt(_buffer(hdfs_filename), **kwds)


def fromregex(hdfs_filename: str, **kwds: Any) -> np.ndarray:
    """``numpy.fromregex``; give ``regexp=`` and ``dtype=``."""
    return np.fromregex(_buffer(hdfs_filename), **kwds)


def fromfile(hdfs_filename: str, **kwds: Any) -> np.ndarray:
    """``numpy.fromfile`` of a local copy (in the working folder) of the project file."""
    return np.fromfile(hdfs.copy_to_local(hdfs_filename, overwrite=True), **kwds)


def memmap(hdfs_filename: str, **kwds: Any) -> np.memmap:
    """``numpy.memmap`` of a local copy (in the working folder) of the project file."""
    return np.memmap(hdfs.copy_to_local(hdfs_filename, overwrite=True), **kwds)


def _write(hdfs_filename: str, save: Any, *args: Any, **kwds: Any) -> None:
    buffer = io.BytesIO()
    save(buffer, *args, **kwds)
    hdfs.dump(buffer.getvalue(), hdfs_filename)


def save(hdfs_filename: str, data: Any) -> None:
    """Write ``data`` in ``.npy`` format, replacing the file."""
    _write(hdfs_filename, np.save, data)


def savez(hdfs_filename: str, *args: Any, **kwds: Any) -> None:
    """Write several arrays in ``.npz`` format (named ``arr_0``... or by keyword)."""
    _write(hdfs_filename, np.savez, *args, **kwds)


def savez_compressed(hdfs_filename: str, *args: Any, **kwds: Any) -> None:
    _write(hdfs_filename, np.savez_compressed, *args, **kwds)
