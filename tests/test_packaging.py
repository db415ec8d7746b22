"""`pip install .` ships the labextension and enables both extensions, no manual step."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_wheel_carries_labextension_config_and_package_data(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("hopsml_lab-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    data = next(n.split("/")[0] for n in names if ".data/" in n)
    share = f"{data}/data/share/jupyter/labextensions/hopsml-lab"
    assert f"{share}/package.json" in names
    assert f"{share}/install.json" in names
    assert any(n.startswith(f"{share}/static/remoteEntry.") for n in names)
    assert f"{data}/data/etc/jupyter/jupyter_server_config.d/hopsml_lab.json" in names
    for packaged in (
        "hopsml_lab/examples/quickstart.ipynb",
        "hopsml_lab/server/openapi.json",
        "hopsml_lab/server/events/experiment-changed.yaml",
        "hopsml_lab/server/events/featurestore-changed.yaml",
        "hopsml_lab/catalog/migrations/env.py",
        "hopsml_lab/catalog/migrations/versions/0001_initial_catalog.py",
        "hopsml_lab/engine/scripts/gpu_discovery.sh",
    ):
        assert packaged in names, packaged
    # Spark runs the discovery script itself: it must stay executable once installed.
    script = zipfile.ZipFile(wheel).getinfo("hopsml_lab/engine/scripts/gpu_discovery.sh")
    assert (script.external_attr >> 16) & 0o111


def test_installed_extensions_are_enabled() -> None:
    bin_dir = Path(sys.executable).parent
    servers = subprocess.run(
        [str(bin_dir / "jupyter"), "server", "extension", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "hopsml_lab" in servers.stdout + servers.stderr
    assert "enabled" in (servers.stdout + servers.stderr).split("hopsml_lab", 1)[1][:40]
    labs = subprocess.run(
        [str(bin_dir / "jupyter"), "labextension", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    listing = labs.stdout + labs.stderr
    assert "hopsml-lab" in listing and "enabled" in listing.split("hopsml-lab", 1)[1][:40]
