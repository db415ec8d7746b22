from __future__ import annotations

from pathlib import Path

import pytest

from hopsml_lab.catalog import (
    Database,
    ExperimentQueries,
    ExperimentQuery,
    ExperimentRecorder,
    ExperimentStatus,
)
from hopsml_lab.lab import Lab
from hopsml_lab.settings import Settings, SettingsError, parse_spark_conf


def test_embedded_defaults_need_no_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # a home with no project in it yet
    settings = Settings.from_env({})
    assert settings.project_root == str(tmp_path / "hopsml" / "demo")
    assert settings.spark_master == "local[*]"
    assert settings.resolved_catalog_url() == (
        f"sqlite:///{tmp_path / 'hopsml' / 'demo' / '.hopsml' / 'catalog.db'}"
    )


def test_a_new_project_keeps_its_catalog_out_of_the_notebook_folder(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    lab = Lab(Settings(project_root=str(root)))
    project = lab.recorder.ensure_project("demo", lab.store.url())
    lab.recorder.create_experiment(project, name="first", kind="launch", user="ada", logdir="/e")
    lab.db.dispose()
    assert (root / ".hopsml" / "catalog.db").is_file()
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("catalog")) == []


def test_a_project_with_its_catalog_at_the_root_is_still_found(tmp_path: Path) -> None:
    """Projects made before .hopsml/ keep their catalog.db where it is, with its data."""
    root = tmp_path / "old"
    root.mkdir()
    old = Database(f"sqlite:///{root / 'catalog.db'}")
    recorder = ExperimentRecorder(old)
    experiment = recorder.create_experiment(
        recorder.ensure_project("demo", str(root)),
        name="before the move",
        kind="launch",
        user="ada",
        logdir=str(root / "Experiments" / "e"),
    )
    recorder.finish_experiment(experiment, ExperimentStatus.FINISHED)
    old.dispose()

    lab = Lab(Settings(project_root=str(root)))
    page = ExperimentQueries(lab.db).list_experiments("demo", ExperimentQuery())
    lab.db.dispose()
    assert [e.name for e in page.experiments] == ["before the move"]
    assert lab.settings.resolved_catalog_url() == f"sqlite:///{root / 'catalog.db'}"
    assert not (root / ".hopsml").exists()


def test_the_hidden_catalog_wins_once_it_exists(tmp_path: Path) -> None:
    """After moving catalog.db into .hopsml/ by hand, a leftover root file is ignored."""
    (tmp_path / ".hopsml").mkdir()
    (tmp_path / ".hopsml" / "catalog.db").touch()
    (tmp_path / "catalog.db").touch()
    settings = Settings(project_root=str(tmp_path))
    assert settings.default_catalog_path() == tmp_path / ".hopsml" / "catalog.db"


def test_a_project_root_under_home_or_a_file_url_puts_the_catalog_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / "p" / ".hopsml" / "catalog.db"
    assert Settings(project_root="~/p").default_catalog_path() == expected
    assert Settings(project_root=f"file://{tmp_path}/p").default_catalog_path() == expected


def test_environment_variables_are_read(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "HOPSML_PROJECT_ROOT": str(tmp_path),
            "HOPSML_CATALOG_URL": "postgresql://u:p@127.0.0.1:5432/hops",
            "HOPSML_SPARK_MASTER": "spark://127.0.0.1:7077",
            "HOPSML_SPARK_CONF": "spark.executor.memory=2g, spark.task.cpus=1",
            "HOPSML_PROJECT_NAME": "churn",
            "HOPSML_TENSORBOARD_IDLE_TIMEOUT": "30",
            "HOPSML_DRIVER_HOST": "10.1.2.3",
            "HOPSML_SHIP_ENVIRONMENT": "kernel",
        }
    )
    assert settings.project_root == str(tmp_path)
    assert settings.tensorboard_idle_timeout == 30.0
    assert (settings.driver_host, settings.ship_environment) == ("10.1.2.3", "kernel")
    assert settings.catalog_url == "postgresql://u:p@127.0.0.1:5432/hops"
    assert settings.spark_master == "spark://127.0.0.1:7077"
    assert dict(settings.spark_conf) == {"spark.executor.memory": "2g", "spark.task.cpus": "1"}
    assert settings.project_name == "churn"


def test_overrides_win_over_environment(tmp_path: Path) -> None:
    settings = Settings.from_env({"HOPSML_SPARK_MASTER": "yarn"}, spark_master="local[2]")
    assert settings.spark_master == "local[2]"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"HOPSML_SPARK_MASTER": "mars://x"}, "HOPSML_SPARK_MASTER"),
        ({"HOPSML_CATALOG_URL": "not a url"}, "HOPSML_CATALOG_URL"),
        ({"HOPSML_CATALOG_URL": "mysql://u@h/db"}, "HOPSML_CATALOG_URL"),
        ({"HOPSML_PROJECT_ROOT": "s3://bucket/x"}, "HOPSML_PROJECT_ROOT"),
        ({"HOPSML_PROJECT_ROOT": "hdfs://nn:8020/p"}, "HOPSML_WEBHDFS_URL"),
        ({"HOPSML_SPARK_CONF": "executor.memory=2g"}, "HOPSML_SPARK_CONF"),
        ({"HOPSML_PROJECT_NAME": "../etc"}, "HOPSML_PROJECT_NAME"),
        ({"HOPSML_SLOT_IDLE_TIMEOUT": "soon"}, "HOPSML_SLOT_IDLE_TIMEOUT"),
        ({"HOPSML_SLOT_IDLE_TIMEOUT": "0"}, "HOPSML_SLOT_IDLE_TIMEOUT"),
        ({"HOPSML_TENSORBOARD_IDLE_TIMEOUT": "-5"}, "HOPSML_TENSORBOARD_IDLE_TIMEOUT"),
    ],
)
def test_a_bad_value_fails_naming_the_setting(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(env)


def test_remote_store_keeps_the_default_catalog_at_home() -> None:
    settings = Settings.from_env({"HOPSML_PROJECT_ROOT": "webhdfs://nn:9870/Projects/demo"})
    assert settings.is_remote_store
    assert settings.resolved_catalog_url().endswith("/.hopsml/catalog.db")


def test_spark_conf_parsing_accepts_newlines() -> None:
    assert parse_spark_conf("spark.a=1\nspark.b = x=y\n", "X") == {"spark.a": "1", "spark.b": "x=y"}
