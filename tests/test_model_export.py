"""hops.model.export: files under Models/<name>/<version>/ and a catalog record."""

from __future__ import annotations

from pathlib import Path

import pytest

from hopsml_lab import experiment, model
from hopsml_lab.lab import Lab


@pytest.fixture
def saved_model(tmp_path: Path) -> Path:
    folder = tmp_path / "saved"
    (folder / "variables").mkdir(parents=True)
    (folder / "saved_model.pb").write_bytes(b"graph")
    (folder / "variables" / "variables.index").write_bytes(b"index")
    return folder


def test_export_numbers_versions_and_records_them(
    lab: Lab, project_root: Path, saved_model: Path
) -> None:
    first = model.export(str(saved_model), "churn", metrics={"accuracy": 0.9})
    second = model.export(str(saved_model), "churn", metrics={"accuracy": 0.95})
    assert first == str(project_root / "Models" / "churn" / "1")
    assert second.endswith("/Models/churn/2")
    assert (Path(second) / "variables" / "variables.index").read_bytes() == b"index"
    records = lab.models.list_models("demo", "churn")
    assert [(r.version, r.metrics) for r in records] == [
        (2, {"accuracy": 0.95}),
        (1, {"accuracy": 0.9}),
    ]
    assert records[0].experiment_id is None


def test_an_existing_version_is_kept_unless_overwrite(lab: Lab, saved_model: Path) -> None:
    model.export(str(saved_model), "m", model_version=3)
    with pytest.raises(model.ModelExportError, match="overwrite=True"):
        model.export(str(saved_model / "saved_model.pb"), "m", model_version=3)
    path = model.export(
        str(saved_model / "saved_model.pb"),
        "m",
        model_version=3,
        overwrite=True,
        metrics={"loss": 0.1},
    )
    assert sorted(p.name for p in Path(path).iterdir()) == ["saved_model.pb"]
    assert [r.metrics for r in lab.models.list_models("demo", "m")] == [{"loss": 0.1}]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"metrics": {"acc": "high"}}, "metrics are numbers"),
        ({"metrics": {"acc": float("nan")}}, "finite"),
        ({"model_version": 0}, None),
        ({"model_name": "a/b"}, "without '/'"),
    ],
)
def test_bad_exports_say_what_to_change(lab: Lab, saved_model: Path, kwargs, message) -> None:
    arguments = {"model_path": str(saved_model), "model_name": "m", **kwargs}
    if message is None:  # version 0 means "next", as in hops
        assert model.export(**arguments).endswith("/Models/m/1")
        return
    with pytest.raises(model.ModelExportError, match=message):
        model.export(**arguments)
    assert lab.models.list_models("demo") == []


def test_missing_model_path(lab: Lab) -> None:
    with pytest.raises(model.ModelExportError, match="no model at"):
        model.export("nowhere/at/all", "m")


def test_export_inside_a_trial_links_the_trial(lab: Lab, project_root: Path) -> None:
    def train(units: int) -> dict[str, float]:
        import os

        from hopsml_lab import model

        os.makedirs("export")
        with open("export/weights.bin", "wb") as handle:
            handle.write(bytes([units]))
        model.export("export", "mlp", metrics={"accuracy": units / 10})
        return {"accuracy": units / 10}

    result = experiment.run(train, {"units": [3]}, name="exporting", metric_key="accuracy")
    (record,) = lab.models.list_models("demo", "mlp")
    assert record.experiment_id == result.id and record.trial_key == "trial_0"
    assert (Path(record.path) / "weights.bin").read_bytes() == bytes([3])
