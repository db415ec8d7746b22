"""Getting files into a project: ``hopsml-lab upload`` (the installed console script, run
in a subprocess, against a local project and against HDFS) and JupyterLab's file browser
(a real Jupyter server's contents API, whose root is the project folder in `make lab`).

HDFS is the WebHDFS protocol double (tests/webhdfs_double.py): no HDFS namenode can be
installed on the test machines. Everything else is real: the console script pip made
from pyproject.toml, the project store, the files it writes.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from hopsml_lab import hopsworks
from hopsml_lab.lab import Lab, get_lab, set_lab
from hopsml_lab.settings import ENV_PROJECT_ROOT, ENV_WEBHDFS_URL, Settings
from hopsml_lab.store import Store, StoreError, StoreNotFoundError

SCRIPT = Path(sys.executable).with_name("hopsml-lab")


def hopsml_lab(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The console script on the current Lab's project (as the fixture made it)."""
    settings = get_lab().settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOPSML_")}
    env[ENV_PROJECT_ROOT] = settings.project_root
    if settings.webhdfs_url:
        env[ENV_WEBHDFS_URL] = settings.webhdfs_url
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60
    )


def _tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path: text), hidden temporary ones too."""
    return {
        p.relative_to(folder).as_posix(): p.read_text()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A local folder to upload: two CSVs, a nested file and an empty folder."""
    folder = tmp_path / "local" / "batch"
    (folder / "nested" / "deeper").mkdir(parents=True)
    (folder / "empty").mkdir()
    (folder / "a.csv").write_text("id,amount\n1,5.0\n")
    (folder / "b.csv").write_text("id,amount\n2,7.5\n")
    (folder / "nested" / "deeper" / "notes.txt").write_text("héllo")
    return folder


def test_help_names_the_command_and_its_options() -> None:
    assert SCRIPT.exists(), "reinstall: .venv/bin/pip install --no-build-isolation -e ."
    top = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True, check=True)
    assert "upload" in top.stdout and "Copy a local file or folder" in top.stdout
    sub = subprocess.run(
        [str(SCRIPT), "upload", "--help"], capture_output=True, text=True, check=True
    )
    for part in ("SOURCE", "PROJECT_PATH", "--overwrite", "--project-root", "HOPSML_PROJECT_ROOT"):
        assert part in sub.stdout
    bare = subprocess.run([str(SCRIPT)], capture_output=True, text=True)
    assert bare.returncode == 2 and "COMMAND" in bare.stderr


def test_a_file_goes_into_a_folder_and_the_output_says_where(project: Path, data: Path) -> None:
    done = hopsml_lab("upload", str(data / "a.csv"), "Resources/")
    assert done.returncode == 0, done.stderr
    assert (project / "Resources" / "a.csv").read_text() == "id,amount\n1,5.0\n"
    url = get_lab().store.url("Resources/a.csv")
    assert done.stdout == f"uploaded Resources/a.csv (1 file, 16 bytes): {url}\n"
    assert _tree(project / "Resources") == {"a.csv": "id,amount\n1,5.0\n"}  # no temp left

    # A path ending in '/' (or '.') is the folder to put it in; any other names the copy.
    assert hopsml_lab("upload", str(data / "b.csv"), "Resources/renamed.csv").returncode == 0
    assert hopsml_lab("upload", str(data / "b.csv"), ".").returncode == 0
    assert sorted(_tree(project / "Resources")) == ["a.csv", "renamed.csv"]
    assert (project / "b.csv").read_text() == "id,amount\n2,7.5\n"
    refused = hopsml_lab("upload", str(data / "b.csv"), "Resources", "--overwrite")
    assert refused.returncode == 1
    assert "is a folder: end the path with '/' (Resources/) to put b.csv in it" in refused.stderr


def test_a_folder_is_copied_whole_with_its_empty_folders(project: Path, data: Path) -> None:
    done = hopsml_lab("upload", str(data), "Resources/")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("uploaded Resources/batch (3 files, 38 bytes): ")
    copy = project / "Resources" / "batch"
    assert _tree(copy) == _tree(data)
    assert (copy / "empty").is_dir()
    assert [p.name for p in (project / "Resources").iterdir()] == ["batch"]  # no temp left


def test_an_existing_target_is_kept_unless_overwrite(project: Path, data: Path) -> None:
    assert hopsml_lab("upload", str(data / "a.csv"), "Resources/t.csv").returncode == 0
    refused = hopsml_lab("upload", str(data / "b.csv"), "Resources/t.csv")
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.startswith("hopsml-lab upload: error: 'Resources/t.csv' (")
    assert "exists already: pass --overwrite to replace it" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert (project / "Resources" / "t.csv").read_text() == "id,amount\n1,5.0\n"

    done = hopsml_lab("upload", str(data / "b.csv"), "Resources/t.csv", "--overwrite")
    assert done.returncode == 0 and done.stdout.startswith("replaced Resources/t.csv ")
    assert _tree(project / "Resources") == {"t.csv": "id,amount\n2,7.5\n"}


def test_overwrite_replaces_a_folder_whole(project: Path, data: Path) -> None:
    assert hopsml_lab("upload", str(data), "inputs").returncode == 0
    (data / "a.csv").unlink()
    (data / "c.csv").write_text("new")
    again = hopsml_lab("upload", str(data), "inputs")  # the same command: the same target
    assert again.returncode == 1
    assert "exists already: pass --overwrite to replace it, or end the path" in again.stderr
    done = hopsml_lab("upload", str(data), "inputs", "--overwrite")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("replaced inputs (3 files, ")
    assert _tree(project / "inputs") == _tree(data)  # a.csv went with the old folder
    assert sorted(p.name for p in project.iterdir() if p.name != ".hopsml") == ["inputs"]


def test_a_file_and_a_folder_never_replace_each_other(project: Path, data: Path) -> None:
    assert hopsml_lab("upload", str(data), "thing").returncode == 0
    assert hopsml_lab("upload", str(data / "a.csv"), "file.csv").returncode == 0
    refused = hopsml_lab("upload", str(data / "a.csv"), "thing", "--overwrite")
    assert refused.returncode == 1 and "'thing' (" in refused.stderr
    assert "is a folder: end the path with '/'" in refused.stderr
    refused = hopsml_lab("upload", str(data), "file.csv", "--overwrite")
    assert refused.returncode == 1 and "is a file, and " in refused.stderr
    assert "is a folder: remove it first, or choose another name" in refused.stderr
    assert (project / "thing" / "nested" / "deeper" / "notes.txt").exists()
    assert (project / "file.csv").is_file()


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("../outside.csv", "'../outside.csv' escapes the project root"),
        ("Resources/../../x.csv", "escapes the project root"),
        ("", "give a path in the project"),
    ],
)
def test_a_target_outside_the_project_is_refused(
    project: Path, data: Path, target: str, message: str
) -> None:
    refused = hopsml_lab("upload", str(data / "a.csv"), target)
    assert refused.returncode == 1 and message in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (project.parent / "outside.csv").exists()


def test_absolute_targets_must_lie_in_the_project(project: Path, data: Path) -> None:
    store = get_lab().store
    inside = store.url("Resources/abs.csv")  # a local path, or the project's hdfs:// URL
    done = hopsml_lab("upload", str(data / "a.csv"), inside)
    assert done.returncode == 0, done.stderr
    assert (project / "Resources" / "abs.csv").exists()
    elsewhere = "/etc/x.csv" if not store.url().startswith("hdfs") else "hdfs://nn:8020/x.csv"
    refused = hopsml_lab("upload", str(data / "a.csv"), elsewhere)
    assert refused.returncode == 1 and "is outside the project" in refused.stderr


def test_a_missing_source_is_named(project: Path, tmp_path: Path) -> None:
    refused = hopsml_lab("upload", str(tmp_path / "nope.csv"), "Resources/")
    assert refused.returncode == 1
    assert (
        refused.stderr
        == f"hopsml-lab upload: error: {tmp_path / 'nope.csv'}: no such file or folder\n"
    )


def test_an_unreachable_namenode_is_named(data: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOPSML_")}
    env[ENV_PROJECT_ROOT] = "hdfs://namenode:8020/Projects/demo"
    env[ENV_WEBHDFS_URL] = "http://127.0.0.1:9"  # the discard port: nothing answers
    refused = subprocess.run(
        [str(SCRIPT), "upload", str(data / "a.csv"), "Resources/"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith(
        "hopsml-lab upload: error: cannot reach HDFS through WebHDFS at http://127.0.0.1:9: "
        "is the namenode up, and HOPSML_WEBHDFS_URL its WebHDFS address?"
    )


def test_a_folder_failing_half_way_leaves_nothing(project: Path, data: Path) -> None:
    (data / "nested" / "gone.csv").symlink_to(data / "missing.csv")  # unreadable
    refused = hopsml_lab("upload", str(data), "Resources/")
    assert refused.returncode == 1 and "gone.csv" in refused.stderr
    assert "Traceback" not in refused.stderr
    resources = project / "Resources"
    assert not resources.exists() or list(resources.rglob("*")) == []  # no temporary left


def test_a_relative_source_is_read_from_the_working_folder(project: Path, data: Path) -> None:
    done = hopsml_lab("upload", "a.csv", "Resources/", cwd=data)
    assert done.returncode == 0, done.stderr
    assert (project / "Resources" / "a.csv").exists()


def test_project_root_option_wins_over_the_environment(
    project: Path, data: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other-project"
    done = hopsml_lab("upload", str(data / "a.csv"), "x.csv", "--project-root", str(other))
    assert done.returncode == 0, done.stderr
    assert (other / "x.csv").exists() and not (project / "x.csv").exists()


def test_store_rename_refuses_an_existing_destination(project: Path) -> None:
    store: Store = get_lab().store
    store.write_text("a/one.txt", "1")
    store.write_text("b/two.txt", "2")
    with pytest.raises(StoreError, match="exists"):
        store.rename("a", "b")  # HDFS would move 'a' into 'b': refused instead
    store.rename("a", "c/moved")
    assert store.read_text("c/moved/one.txt") == "1" and not store.exists("a")
    with pytest.raises(StoreNotFoundError):
        store.rename("a", "d")


# -- JupyterLab's file browser ------------------------------------------------------------


@pytest.fixture
def jp_root_dir(tmp_path: Path) -> Path:
    """The server's root: the project folder, as `make lab` starts it."""
    root = tmp_path / "project"
    root.mkdir(exist_ok=True)
    return root


@pytest.fixture
def jp_server_config(jp_root_dir: Path) -> dict[str, Any]:
    return {
        "ServerApp": {"jpserver_extensions": {"hopsml_lab": True}},
        "HopsMLExtension": {"project_root": str(jp_root_dir), "project_name": "demo"},
    }


@pytest.fixture
def kernel_lab(jp_root_dir: Path) -> Iterator[Lab]:
    """What a notebook's kernel in that project uses: the same folder, python engine."""
    lab = Lab(Settings(project_root=str(jp_root_dir)))
    set_lab(lab)
    hopsworks.login(engine="python")
    yield lab
    hopsworks.logout()
    set_lab(None)
    lab.db.dispose()


def _payments(rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": range(rows),
            "amount": [round(i * 0.37, 2) for i in range(rows)],
            "city": [("oslo", "rome", "lima")[i % 3] for i in range(rows)],
            "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(range(rows), unit="min"),
        }
    )


async def _upload_like_the_file_browser(jp_fetch: Any, path: str, data: bytes) -> None:
    """What JupyterLab's file browser sends (filebrowser's model.ts): one PUT of the whole
    file base64-encoded, or, above 1 MiB, chunks numbered 1, 2, ... and -1 for the last."""
    name = path.rpartition("/")[2]
    chunk_size = 1024 * 1024
    pieces = [data[at : at + chunk_size] for at in range(0, len(data), chunk_size)] or [b""]
    for number, piece in enumerate(pieces, 1):
        model: dict[str, Any] = {
            "type": "file",
            "format": "base64",
            "name": name,
            "path": path,
            "content": base64.b64encode(piece).decode("ascii"),
        }
        if len(pieces) > 1:
            model["chunk"] = -1 if number == len(pieces) else number
        response = await jp_fetch(
            "api", "contents", *path.split("/"), method="PUT", body=json.dumps(model)
        )
        assert response.code in (200, 201)


async def test_the_file_browser_uploads_into_the_project_for_the_feature_store(
    jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path, kernel_lab: Lab, ip: Any
) -> None:
    server_lab = jp_serverapp.web_app.settings["hopsml_lab"]
    assert Path(jp_serverapp.root_dir).resolve() == jp_root_dir.resolve()
    assert Path(server_lab.settings.project_root).resolve() == jp_root_dir.resolve()

    await jp_fetch(
        "api", "contents", "Resources", method="PUT", body=json.dumps({"type": "directory"})
    )
    small = _payments(50)
    await _upload_like_the_file_browser(
        jp_fetch, "Resources/payments.csv", small.to_csv(index=False).encode()
    )
    big = _payments(40_000)  # about 1.5 MiB: uploaded in two chunks
    big_bytes = big.to_csv(index=False).encode()
    assert len(big_bytes) > 1024 * 1024
    await _upload_like_the_file_browser(jp_fetch, "Resources/big.csv", big_bytes)
    assert (jp_root_dir / "Resources" / "big.csv").read_bytes() == big_bytes
    listing = json.loads((await jp_fetch("api", "contents", "Resources")).body)
    assert sorted(entry["name"] for entry in listing["content"]) == ["big.csv", "payments.csv"]

    # In the notebook: read by its path in the project, insert with the hsfs API...
    fs = hopsworks.get_current_project().get_feature_store()
    fg = fs.get_or_create_feature_group("payments", version=1, primary_key=["id"], event_time="ts")
    fg.insert(pd.read_csv(jp_root_dir / "Resources" / "payments.csv", parse_dates=["ts"]))
    got = fg.read().sort_values("id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, small)

    # ... or name the path in %%featurestore.
    ip.run_cell_magic(
        "featurestore", "create big --primary-key id --event-time ts", "Resources/big.csv"
    )
    got = fs.get_feature_group("big", version=1).read().sort_values("id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, big)


def test_make_lab_opens_the_project_root_in_jupyterlab() -> None:
    """`make lab` gives JupyterLab the folder the project root defaults to, so what the
    file browser shows (and uploads into) is the project."""
    repo = Path(__file__).parents[1]
    dry = subprocess.run(
        ["make", "-n", "lab", "DEMO_DIR=/srv/projects/demo"],
        capture_output=True,
        text=True,
        cwd=repo,
        check=True,
        timeout=60,
    ).stdout
    lines = dry.replace("\\\n", " ").splitlines()  # a recipe's continued lines as one
    (line,) = [line for line in lines if " lab --ip=" in line]
    assert 'HOPSML_PROJECT_ROOT="${HOPSML_PROJECT_ROOT:-/srv/projects/demo}"' in line
    assert re.search(r'--notebook-dir="/srv/projects/demo"', line)
    assert 'hopsml_lab.demo seed "/srv/projects/demo"' in dry
