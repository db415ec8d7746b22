"""The store contract, run against the local backend and the HDFS backend.

The HDFS backend talks to a WebHDFS protocol double (tests/webhdfs_double.py): no HDFS
namenode can be installed on the test machines.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hopsml_lab.settings import Settings
from hopsml_lab.store import (
    HdfsStore,
    LocalStore,
    Store,
    StoreError,
    StoreNotFoundError,
    StorePathError,
    clean_path,
    open_store,
)

from .webhdfs_double import webhdfs_double


@pytest.fixture(params=["local", "hdfs"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "local":
        yield LocalStore(tmp_path / "project")
        return
    with webhdfs_double(tmp_path / "namespace") as (url, _log):
        yield HdfsStore("hdfs://namenode:8020/Projects/demo", webhdfs_url=url, user="hopsml")


def test_write_read_roundtrip(store: Store) -> None:
    store.write_bytes("Experiments/e1/t1/model.bin", b"\x00\x01weights")
    assert store.read_bytes("Experiments/e1/t1/model.bin") == b"\x00\x01weights"
    store.write_text("Experiments/e1/t1/log.txt", "héllo")
    assert store.read_text("Experiments/e1/t1/log.txt") == "héllo"
    assert store.exists("Experiments/e1/t1")
    assert not store.exists("Experiments/e2")


def test_overwrite_replaces_the_whole_file(store: Store) -> None:
    store.write_text("a.txt", "a much longer first version")
    store.write_text("a.txt", "v2")
    assert store.read_text("a.txt") == "v2"
    assert [e.name for e in store.list("")] == ["a.txt"]  # no temporary file left


def test_list_sorted_with_sizes_and_folders(store: Store) -> None:
    store.write_text("d/b.txt", "bb")
    store.write_text("d/a.txt", "a")
    store.makedirs("d/sub")
    entries = store.list("d")
    assert [(e.path, e.is_dir) for e in entries] == [
        ("d/a.txt", False),
        ("d/b.txt", False),
        ("d/sub", True),
    ]
    assert [e.size for e in entries[:2]] == [1, 2]
    assert all(e.modified > 0 for e in entries)


def test_delete_file_and_folder(store: Store) -> None:
    store.write_text("d/x.txt", "x")
    with pytest.raises(StoreError):
        store.delete("d")  # not empty and not recursive
    assert store.exists("d/x.txt")
    store.delete("d/x.txt")
    assert not store.exists("d/x.txt")
    store.write_text("d/y.txt", "y")
    store.delete("d", recursive=True)
    assert not store.exists("d")
    with pytest.raises(StoreNotFoundError):
        store.delete("d")


def test_missing_paths_raise_not_found(store: Store) -> None:
    with pytest.raises(StoreNotFoundError, match=r"nothing\.txt"):
        store.read_bytes("nothing.txt")
    with pytest.raises(StoreNotFoundError):
        store.list("no-folder")


@pytest.mark.parametrize("bad", ["../outside", "/etc/passwd", "a/../../b", "x\x00y"])
def test_paths_cannot_escape_the_project(store: Store, bad: str) -> None:
    with pytest.raises(StorePathError):
        store.write_text(bad, "nope")
    with pytest.raises(StorePathError):
        store.read_bytes(bad)


def test_root_cannot_be_deleted(store: Store) -> None:
    with pytest.raises(StorePathError):
        store.delete("", recursive=True)
    with pytest.raises(StorePathError):
        store.delete("a/..", recursive=True)


def test_writing_over_a_folder_is_refused_and_keeps_it(store: Store) -> None:
    store.write_text("d/keep.txt", "kept")
    with pytest.raises(StoreError, match="folder"):
        store.write_text("d", "file over folder")
    assert store.read_text("d/keep.txt") == "kept"


def test_clean_path_normalises() -> None:
    assert clean_path("Experiments//e1/./t1/") == "Experiments/e1/t1"
    assert clean_path("") == ""
    assert clean_path("a/b/../c") == "a/c"


def test_local_symlink_out_of_the_project_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    store = LocalStore(tmp_path / "project")
    (Path(store.root) / "link").symlink_to(outside)
    with pytest.raises(StorePathError, match="outside"):
        store.write_text("link/x.txt", "escape")
    assert not (outside / "x.txt").exists()


def test_a_failed_write_leaves_the_old_content(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "project")
    store.write_text("model.json", "old")

    with pytest.raises(TypeError):
        store.write_bytes("model.json", object())  # type: ignore[arg-type]
    assert store.read_text("model.json") == "old"
    assert [e.name for e in store.list("")] == ["model.json"]


def test_concurrent_writers_never_expose_partial_files(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "project")
    payloads = [bytes([i]) * 200_000 for i in range(8)]
    store.write_bytes("shared.bin", payloads[0])
    seen: list[bytes] = []

    def writer(data: bytes) -> None:
        for _ in range(5):
            store.write_bytes("shared.bin", data)

    def reader() -> None:
        for _ in range(50):
            seen.append(store.read_bytes("shared.bin"))

    threads = [threading.Thread(target=writer, args=(p,)) for p in payloads]
    threads.append(threading.Thread(target=reader))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen and all(content in payloads for content in seen)


def test_hdfs_urls_and_requests(tmp_path: Path) -> None:
    with webhdfs_double(tmp_path / "ns") as (url, log):
        store = open_store(Settings(project_root="hdfs://nn:8020/Projects/demo", webhdfs_url=url))
        assert isinstance(store, HdfsStore)
        assert store.url("Experiments/e1") == "hdfs://nn:8020/Projects/demo/Experiments/e1"
        store.write_text("x.txt", "hello")
        # the atomic write goes through a temporary name and a RENAME
        assert (
            "PUT",
            "RENAME",
            "/Projects/demo/" + next(p.rsplit("/", 1)[1] for m, op, p in log if op == "CREATE"),
        ) in log
        assert (tmp_path / "ns" / "Projects" / "demo" / "x.txt").read_text() == "hello"


def test_webhdfs_root_needs_no_extra_setting(tmp_path: Path) -> None:
    with webhdfs_double(tmp_path / "ns") as (url, _log):
        store = open_store(Settings(project_root=url.replace("http://", "webhdfs://") + "/p"))
        store.write_text("a/b.txt", "ok")
        assert store.read_text("a/b.txt") == "ok"
        assert (tmp_path / "ns" / "p" / "a" / "b.txt").exists()


def test_stores_pickle_for_executors(tmp_path: Path) -> None:
    import pickle

    local = LocalStore(tmp_path / "p")
    assert pickle.loads(pickle.dumps(local)).root == local.root
    remote = HdfsStore("webhdfs://127.0.0.1:1/p")
    assert pickle.loads(pickle.dumps(remote)).url("x") == "webhdfs://127.0.0.1:1/p/x"
