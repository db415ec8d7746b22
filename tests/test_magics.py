"""The %%experiment magic in a real IPython shell, on the shared Spark session."""

from __future__ import annotations

import pytest
from IPython.testing.globalipapp import start_ipython

from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.lab import Lab


@pytest.fixture(scope="module")
def ip():
    shell = start_ipython()
    shell.run_line_magic("load_ext", "hopsml_lab")
    return shell


def test_experiment_cell_runs_and_records(ip, lab: Lab, capsys) -> None:
    ip.user_ns["OFFSET"] = 0.25  # notebook globals reach the trial
    ip.run_cell_magic(
        "experiment",
        "cell-exp --metric accuracy --description 'from a cell'",
        "import math\n\ndef helper():\n    return 0.5\n\ndef train():\n"
        "    return {'accuracy': helper() + OFFSET}\n",
    )
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    assert [e.name for e in page.experiments] == ["cell-exp"]
    detail = lab.queries.get_experiment(page.experiments[0].id)
    assert detail.metric_value == pytest.approx(0.75)
    assert detail.description == "from a cell"
    assert "train" in ip.user_ns  # the function stays defined in the notebook


def test_name_defaults_to_the_function(ip, lab: Lab) -> None:
    ip.run_cell_magic("experiment", "", "def my_model():\n    return 1.0\n")
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    assert page.experiments[0].name == "my_model"


def test_a_cell_without_a_function_says_what_to_write(ip, lab: Lab, capsys) -> None:
    ip.run_cell_magic("experiment", "nothing", "x = 1\n")
    assert "defines no function" in capsys.readouterr().out
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


def test_invalid_python_runs_nothing(ip, lab: Lab, capsys) -> None:
    ip.run_cell_magic("experiment", "broken", "def train(:\n    pass\n")
    assert "not valid Python" in capsys.readouterr().out
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


def test_load_ext_fails_fast_on_a_bad_setting(ip, monkeypatch) -> None:
    from hopsml_lab import load_ipython_extension
    from hopsml_lab.settings import SettingsError

    monkeypatch.setenv("HOPSML_SPARK_MASTER", "mars://nowhere")
    with pytest.raises(SettingsError, match="HOPSML_SPARK_MASTER"):
        load_ipython_extension(ip)


def test_help_documents_the_options(ip) -> None:
    doc = ip.find_cell_magic("experiment").__doc__
    assert "--metric" in doc and "--description" in doc
