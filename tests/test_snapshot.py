"""Every experiment keeps its notebook, environment and git commit."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from hopsml_lab import experiment
from hopsml_lab.experiments.snapshot import environment, git_state
from hopsml_lab.lab import Lab


def test_experiment_keeps_notebook_environment_and_commit(
    lab: Lab, project_root: Path, tmp_path: Path, monkeypatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    notebook = repo / "churn.ipynb"
    notebook.write_text('{"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}')
    for args in (
        ["init", "-q"],
        ["add", "."],
        ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True)
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))

    result = experiment.run(lambda: 1.0, name="snap")
    snapshot = project_root / "Experiments" / result.id / "_snapshot"
    assert (snapshot / "churn.ipynb").read_text() == notebook.read_text()
    requirements = (snapshot / "requirements.txt").read_text().splitlines()
    assert any(line.lower().startswith("pyspark==") for line in requirements)
    run = json.loads((snapshot / "run.json").read_text())
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True
    ).stdout.strip()
    assert run["git"] == {"commit": head, "dirty": False}
    assert run["notebook"] == str(notebook)
    assert lab.queries.get_experiment(result.id).notebook == str(notebook)


def test_no_repo_no_git(tmp_path: Path) -> None:
    assert git_state(tmp_path) is None


def test_environment_is_cached_until_packages_change(tmp_path: Path, monkeypatch) -> None:
    first = environment()
    assert first == environment() and any(line.startswith("SQLAlchemy==") for line in first)

    def install(folder: Path, name: str) -> None:  # what pip leaves behind
        info = folder / f"{name}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")

    packages = tmp_path / "site-packages"
    packages.mkdir()
    install(packages, "first_new_package")
    monkeypatch.syspath_prepend(str(packages))
    assert "first_new_package==1.0" in environment()
    install(packages, "second_new_package")  # %pip install into a folder already on the path
    assert "second_new_package==1.0" in environment()
