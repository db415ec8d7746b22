"""The example notebooks run end to end in a real kernel (nbclient)."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from hopsml_lab.demo import EXAMPLES, seed


@pytest.mark.parametrize("notebook", sorted(EXAMPLES.glob("*.ipynb")), ids=lambda p: p.stem)
def test_example_notebook_runs(notebook: Path, tmp_path: Path, monkeypatch) -> None:
    project = tmp_path / "project"
    monkeypatch.setenv("HOPSML_PROJECT_ROOT", str(project))
    monkeypatch.setenv("HOPSML_SPARK_MASTER", "local[2]")
    monkeypatch.setenv("HOPSML_SPARK_CONF", "spark.ui.enabled=false")
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(
        nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "hopsml-experiment-result" in html and "finished" in html
    assert len(list((project / "Experiments").iterdir())) == 3
    assert os.environ["HOPSML_PROJECT_ROOT"] == str(project)


def test_seed_copies_examples_once(tmp_path: Path) -> None:
    written = seed(tmp_path)
    assert [p.name for p in written] == [p.name for p in sorted(EXAMPLES.glob("*.ipynb"))]
    (tmp_path / "quickstart.ipynb").write_text("{}")  # the user's edits are kept
    assert seed(tmp_path) == []
    assert (tmp_path / "quickstart.ipynb").read_text() == "{}"
