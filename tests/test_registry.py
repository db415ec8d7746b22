"""The model registry through hsml 5.2.1's API (``project.get_model_registry()``), on a
real project: files under Models/<name>/<version>/, catalog records, lineage, and the
same versions seen by hops' ``model`` module."""

from __future__ import annotations

import json
import os
import pickle
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hopsml_lab import experiment, hopsworks, model
from hopsml_lab.hsml.client.exceptions import ModelRegistryException
from hopsml_lab.hsml.model_schema import ModelSchema
from hopsml_lab.hsml.schema import Schema
from hopsml_lab.hsml.sklearn.model import Model as SklearnModel
from hopsml_lab.hsml.util import ProvenanceWarning, VersionWarning
from hopsml_lab.lab import Lab, set_lab
from hopsml_lab.registry import ModelNotFound, ModelVersionExists
from hopsml_lab.settings import Settings

pytestmark = pytest.mark.filterwarnings(
    "ignore::hopsml_lab.registry.errors.ProvenanceWarning",
    "ignore::hopsml_lab.featurestore.errors.VersionWarning",
)


@pytest.fixture
def plab(project_root: Path, tmp_path: Path) -> Iterator[Lab]:
    """A project without Spark on SQLite."""
    lab = Lab(
        Settings(project_root=str(project_root), catalog_url=f"sqlite:///{tmp_path / 'c.db'}")
    )
    set_lab(lab)
    yield lab
    set_lab(None)
    lab.db.dispose()


@pytest.fixture
def churn(tmp_path: Path) -> tuple[pd.DataFrame, pd.Series, Path]:
    """A real fitted sklearn classifier pickled into a model folder."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(3)
    X = pd.DataFrame({"age": rng.integers(18, 80, 40), "spend": rng.random(40).round(3)})
    y = pd.Series((X.age > 45).astype(int), name="churned")
    folder = tmp_path / "churn_model"
    folder.mkdir()
    with open(folder / "model.pkl", "wb") as handle:
        pickle.dump(LogisticRegression().fit(X, y), handle)
    (folder / "conf").mkdir()
    (folder / "conf" / "threshold.txt").write_text("0.5")
    return X, y, folder


def test_sklearn_versions_metrics_schema_and_download(
    plab: Lab, project_root: Path, churn, tmp_path: Path
) -> None:
    X, y, folder = churn
    mr = hopsworks.login(engine="python").get_model_registry()
    schema = ModelSchema(input_schema=Schema(X), output_schema=Schema(y))
    first = mr.sklearn.create_model(
        "churn", metrics={"accuracy": 0.8}, input_example=X.iloc[:1], model_schema=schema
    )
    assert first.version is None and first.description == "A collection of models for churn"
    assert first.save(str(folder)) is first and first.version == 1
    second = mr.sklearn.create_model("churn", metrics={"accuracy": "0.9"}, description="v2")
    assert second.save(str(folder), keep_original_files=True).version == 2
    assert (folder / "model.pkl").is_file()  # local files are copied, never moved

    version_dir = project_root / "Models" / "churn" / "1"
    assert sorted(p.name for p in version_dir.iterdir()) == [
        "Files",
        "input_example.json",
        "model_schema.json",
    ]
    assert (version_dir / "Files" / "conf" / "threshold.txt").read_text() == "0.5"
    assert json.loads((version_dir / "input_example.json").read_text()) == X.iloc[0].tolist()
    assert json.loads((version_dir / "model_schema.json").read_text()) == {
        "input_schema": {
            "columnar_schema": [
                {"name": "age", "type": "int64"},
                {"name": "spend", "type": "float64"},
            ]
        },
        "output_schema": {"columnar_schema": [{"name": "churned", "type": "int64"}]},
    }

    got = mr.get_model("churn", 1)
    assert isinstance(got, SklearnModel) and got.framework == "SKLEARN"
    assert (got.name, got.version, got.training_metrics) == ("churn", 1, {"accuracy": 0.8})
    assert got.input_example == X.iloc[0].tolist()
    assert got.model_schema == schema.to_dict()
    assert got.model_files_path == f"{project_root}/Models/churn/1/Files"
    assert got.created > 0 and got.creator and got.experiment_id is None
    assert mr.get_model("churn", 2).description == "v2"
    assert [m.version for m in mr.get_models("churn")] == [1, 2]
    assert mr.get_models("nothing") == [] and mr.get_model("churn", 9) is None
    with pytest.warns(VersionWarning, match="defaulting to `1`"):
        assert mr.get_model("churn").version == 1

    assert mr.get_best_model("churn", "accuracy", "max").version == 2
    assert mr.get_best_model("churn", "accuracy", "min").version == 1
    assert mr.get_best_model("churn", "loss", "max") is None

    # The downloaded pickle predicts what the original does.
    local = got.download(str(tmp_path / "down"))
    assert local == str(tmp_path / "down")
    with open(Path(local) / "model.pkl", "rb") as handle:
        restored = pickle.load(handle)
    with open(folder / "model.pkl", "rb") as handle:
        original = pickle.load(handle)
    assert (restored.predict(X) == original.predict(X)).all()
    cached = Path(got.download())
    try:
        assert (cached / "model.pkl").is_file() and got.download() == str(cached)
    finally:
        import shutil

        shutil.rmtree(cached)

    # hops' model module sees the same versions.
    assert model.get_best_model("churn", "accuracy", model.Metric.MAX)["version"] == 2
    assert model.get_model("churn", 1)["framework"] == "SKLEARN"


def test_tensor_schema_numpy_example_and_a_single_file(
    plab: Lab, project_root: Path, tmp_path: Path
) -> None:
    weights = tmp_path / "weights.npy"
    array = np.arange(6, dtype="float32").reshape(2, 3)
    np.save(weights, array)
    mr = hopsworks.login(engine="python").get_model_registry()
    schema = ModelSchema(
        input_schema=Schema(array),
        output_schema=Schema([{"type": "int64", "shape": "(2,)", "name": "y"}]),
    )
    saved = mr.tensorflow.create_model(
        "net", input_example=array[0], model_schema=schema, version=4
    ).save(str(weights))
    assert saved.version == 4 and saved.framework == "TENSORFLOW"
    assert (project_root / "Models" / "net" / "4" / "Files" / "weights.npy").is_file()
    got = mr.get_model("net", 4)
    assert got.input_example == [0.0, 1.0, 2.0]
    assert got.model_schema == {
        "input_schema": {"tensor_schema": {"shape": "(2, 3)", "type": "float32"}},
        "output_schema": {"tensor_schema": [{"name": "y", "shape": "(2,)", "type": "int64"}]},
    }
    assert repr(schema) == "ModelSchema(input: 'tensor', output: 'tensor')"
    assert mr.python.create_model("net").save(str(weights)).version == 5  # after the highest


def _feature_view(fs):
    rng = np.random.default_rng(1)
    rows = pd.DataFrame(
        {
            "id": np.arange(30),
            "amount": rng.random(30).round(3),
            "label": rng.integers(0, 2, 30),
            "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(30), unit="h"),
        }
    )
    fg = fs.create_feature_group("orders", version=1, primary_key=["id"], event_time="ts")
    fg.insert(rows)
    return fs.create_feature_view("orders_view", fg.select(["amount", "label"]), labels=["label"])


def test_feature_view_lineage_and_inferred_schema(plab: Lab, churn) -> None:
    _, _, folder = churn
    project = hopsworks.login(engine="python")
    fv = _feature_view(project.get_feature_store())
    fv.train_test_split(test_size=0.2)  # training dataset version 1, now last accessed
    mr = project.get_model_registry()
    saved = mr.python.create_model("scorer", feature_view=fv).save(str(folder))
    record = plab.models.get_model("demo", "scorer", 1)
    assert (record.feature_view_name, record.feature_view_version) == ("orders_view", 1)
    assert record.training_dataset_version == saved.training_dataset_version == 1
    assert saved.model_schema == {
        "input_schema": {"columnar_schema": [{"name": "amount", "type": "double"}]},
        "output_schema": {"columnar_schema": [{"name": "label", "type": "bigint"}]},
    }
    back = mr.get_model("scorer", 1).get_feature_view()
    assert (type(back).__name__, back.name, back.version) == ("FeatureView", "orders_view", 1)
    assert len(back.get_batch_data()) == 30
    assert mr.get_model("scorer", 1).get_feature_view(init=False).labels == ["label"]

    with pytest.warns(ProvenanceWarning, match="training dataset version is missing"):
        fresh = project.get_feature_store().get_feature_view("orders_view", 1)
        mr.python.create_model("scorer", feature_view=fresh).save(str(folder))
    assert mr.get_model("scorer", 2).training_dataset_version is None
    with pytest.warns(ProvenanceWarning, match="cannot not be inferred"):
        mr.python.create_model("plain").save(str(folder))
    assert mr.get_model("plain", 1).get_feature_view() is None


def test_delete_removes_files_and_record(plab: Lab, project_root: Path, churn) -> None:
    _, _, folder = churn
    mr = hopsworks.login(engine="python").get_model_registry()
    for _ in range(2):
        mr.sklearn.create_model("churn").save(str(folder))
    mr.get_model("churn", 1).delete()
    assert not (project_root / "Models" / "churn" / "1").exists()
    assert mr.get_model("churn", 1) is None and [m.version for m in mr.get_models("churn")] == [2]
    with pytest.raises(ModelNotFound, match=r"its versions are \[2\]"):
        model.get_model("churn", 1)
    assert mr.sklearn.create_model("churn").save(str(folder)).version == 3
    assert sorted(p.name for p in (project_root / "Models" / "churn").iterdir()) == ["2", "3"]


def test_bad_input_says_what_to_fix(plab: Lab, project_root: Path, churn) -> None:
    X, _, folder = churn
    mr = hopsworks.login(engine="python").get_model_registry()
    cases = [
        (mr.python.create_model("m", metrics={"acc": "high"}), str(folder), "only numbers"),
        (mr.python.create_model("m", metrics=[0.9]), str(folder), "give a dict"),
        (mr.python.create_model("m"), "nowhere/at/all", "no model at 'nowhere/at/all'"),
        (mr.python.create_model("bad-name"), str(folder), r"\[a-zA-Z0-9_\]\+"),
        (mr.python.create_model("m", input_example=X.iloc[:0]), str(folder), "give one input"),
        (mr.python.create_model("m", model_schema={"input": {1, 2}}), str(folder), "as JSON"),
        (mr.python.create_model("m", version=0), str(folder), "whole numbers 1, 2"),
    ]
    for made, path, message in cases:
        with pytest.raises(ModelRegistryException, match=message):
            made.save(path)
    assert plab.models.list_models("demo") == []
    assert not (project_root / "Models" / "m").exists()

    mr.python.create_model("m", version=2).save(str(folder))
    with pytest.raises(ModelVersionExists, match="already exists, please select another"):
        mr.python.create_model("m", version=2).save(str(folder))
    with pytest.raises(ModelRegistryException, match="use 'max' or 'min'"):
        mr.get_best_model("m", "acc", "up")
    with pytest.raises(ModelRegistryException, match="whole numbers"):
        mr.get_model("m", "two")
    with pytest.raises(ModelRegistryException, match="not saved yet"):
        mr.python.create_model("m").download()
    with pytest.raises(ValueError, match="Tag value cannot be None"):
        mr.python.create_model("m", tags=[{"name": "owner", "value": None}])


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs Linux /proc")
def test_a_save_failing_midway_leaves_no_version(plab: Lab, project_root: Path, churn) -> None:
    _, _, folder = churn
    # A file that cannot be read (EIO), copied after the others: the save fails midway.
    (folder / "zz_unreadable.bin").symlink_to("/proc/self/mem")
    mr = hopsworks.login(engine="python").get_model_registry()
    with pytest.raises(OSError):
        mr.sklearn.create_model("churn", input_example=[1, 2]).save(str(folder))
    assert not (project_root / "Models" / "churn").exists()
    assert plab.models.list_models("demo") == []
    (folder / "zz_unreadable.bin").unlink()
    assert mr.sklearn.create_model("churn").save(str(folder)).version == 1


def test_project_files_are_moved_unless_kept(plab: Lab, project_root: Path) -> None:
    source = project_root / "Resources" / "export"
    source.mkdir(parents=True)
    (source / "w.bin").write_bytes(b"w")
    mr = hopsworks.login(engine="python").get_model_registry()
    mr.python.create_model("m").save("Resources/export", keep_original_files=True)
    assert (source / "w.bin").exists()
    mr.python.create_model("m").save("Resources/export")
    assert not source.exists()
    assert (project_root / "Models" / "m" / "2" / "Files" / "w.bin").read_bytes() == b"w"


def test_hops_exports_and_hsml_saves_share_one_registry(plab: Lab, churn, tmp_path: Path) -> None:
    _, _, folder = churn
    model.export(str(folder), "churn", metrics={"accuracy": 0.7})
    mr = hopsworks.login(engine="python").get_model_registry()
    mr.sklearn.create_model("churn", metrics={"accuracy": 0.9}).save(str(folder))
    exported = mr.get_model("churn", 1)
    assert type(exported).__name__ == "Model" and exported.framework is None
    # An export keeps its files in the version folder; download finds them there.
    down = Path(exported.download(str(tmp_path / "d")))
    assert (down / "model.pkl").is_file()
    assert model.get_best_model("churn", "accuracy", model.Metric.MAX)["version"] == 2
    assert model.download_model("churn", 2, overwrite=True).endswith("churn2.zip")
    os.remove("churn2.zip")


def test_store_agnostic_save_download_delete(project: Path, tmp_path: Path) -> None:
    """The same on a local folder and on HDFS (through WebHDFS)."""
    file = tmp_path / "m.bin"
    file.write_bytes(b"abc")
    mr = hopsworks.login(engine="python").get_model_registry()
    saved = mr.python.create_model("m", input_example={"x": 1}).save(str(file))
    assert mr.get_model("m", 1).input_example == {"x": 1}
    assert (Path(saved.download(str(tmp_path / "d"))) / "m.bin").read_bytes() == b"abc"
    saved.delete()
    assert mr.get_models("m") == []


def test_a_save_inside_a_trial_links_the_experiment(lab: Lab, project_root: Path) -> None:
    def train(units: int) -> dict[str, float]:
        from pathlib import Path

        from hopsml_lab import hopsworks

        Path("export").mkdir()
        Path("export/weights.bin").write_bytes(bytes([units]))
        mr = hopsworks.login(engine="python").get_model_registry()
        mr.python.create_model("mlp", metrics={"accuracy": units / 10}).save("export")
        return {"accuracy": units / 10}

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = experiment.run(train, {"units": [3]}, name="saving", metric_key="accuracy")
    got = hopsworks.login(engine="python").get_model_registry().get_model("mlp", 1)
    assert got.experiment_id == result.id
    assert lab.models.get_model("demo", "mlp", 1).trial_key == "trial_0"
    assert (project_root / "Models" / "mlp" / "1" / "Files" / "weights.bin").read_bytes() == b"\x03"
