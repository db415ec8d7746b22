"""The %%experiment magic in a real IPython shell, on the shared Spark session."""

from __future__ import annotations

import itertools

import pytest
from IPython.core.error import UsageError

from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.lab import Lab


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


def test_a_cell_without_a_function_says_what_to_write(ip, lab: Lab) -> None:
    with pytest.raises(UsageError, match="defines no function"):
        ip.run_cell_magic("experiment", "nothing", "x = 1\n")
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


def test_invalid_python_runs_nothing(ip, lab: Lab) -> None:
    with pytest.raises(UsageError, match="not valid Python"):
        ip.run_cell_magic("experiment", "broken", "def train(:\n    pass\n")
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


def test_grid_option_runs_a_grid_search(ip, lab: Lab) -> None:
    ip.run_cell_magic(
        "experiment",
        "grid-cell --metric acc --direction MIN --grid lr=0.1,0.2 n=1,2",
        "def train(lr, n):\n    return {'acc': lr * n}\n",
    )
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    detail = lab.queries.get_experiment(page.experiments[0].id)
    assert detail.kind == "grid_search" and detail.trial_count == 4
    assert detail.direction == "MIN" and detail.metric_value == pytest.approx(0.1)


def test_random_and_evolve_options(ip, lab: Lab) -> None:
    body = "def train(lr, act):\n    return lr if act == 'relu' else 0.0\n"
    ip.run_cell_magic(
        "experiment", "rnd --random 5 lr=loguniform(1e-3,1e-1) act=choice(relu,tanh)", body
    )
    ip.run_cell_magic(
        "experiment",
        "evo --evolve x=uniform(0,1) --generations 1 --population 4",
        "def train(x):\n    return x\n",
    )
    kinds = {
        e.name: e.kind for e in lab.queries.list_experiments("demo", ExperimentQuery()).experiments
    }
    assert kinds == {"rnd": "random_search", "evo": "differential_evolution"}


def test_asha_option_promotes_with_more_budget(ip, lab: Lab) -> None:
    ip.run_cell_magic(
        "experiment",
        "asha-cell --metric acc --asha 8 x=uniform(0,1) --max-budget 4",
        "def train(x, budget):\n    return {'acc': x * budget}\n",
    )
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    detail = lab.queries.get_experiment(page.experiments[0].id)
    budgets = sorted(t.params["budget"] for t in detail.trials)
    assert detail.kind == "asha" and budgets.count(1) == 8 and budgets[-1] == 4


def test_slots_option_caps_the_trials_running_at_once(ip, lab: Lab) -> None:
    # Two slots are warm from earlier tests; --slots 1 must still run one trial at a time.
    ip.run_cell_magic(
        "experiment",
        "one-at-a-time --slots 1 --grid n=1,2,3,4",
        "import time\n\ndef train(n):\n    start = time.time()\n    time.sleep(0.2)\n"
        "    return {'metric': n, 'start': start, 'end': time.time()}\n",
    )
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    trials = lab.queries.get_experiment(page.experiments[0].id).trials
    spans = sorted((t.results["start"], t.results["end"]) for t in trials)
    assert len(spans) == 4 and all(t.status == "finished" for t in trials)
    assert all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(spans))


def test_early_stop_option_stops_hopeless_trials(ip, lab: Lab) -> None:
    body = (
        "def train(q, reporter):\n"
        "    for _ in range(3):\n"
        "        reporter.broadcast(q)\n"
        "    return q\n"
    )
    line = "es --early-stop asha --grace 1 --slots 1 --seed 0 --grid q=0.1,0.9,0.2,0.8,0.3,0.7"
    ip.run_cell_magic("experiment", line, body)
    page = lab.queries.list_experiments("demo", ExperimentQuery())
    trials = lab.queries.get_experiment(page.experiments[0].id).trials
    stopped = [t for t in trials if t.status == "stopped"]
    assert len(trials) == 6 and stopped
    assert all(len(t.metrics[0].steps) in (1, 3) for t in stopped)  # at its rungs, no later
    assert next(t for t in trials if t.params["q"] == 0.9).status == "finished"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("x --slots 0 --grid lr=0.1", "--slots 0: give how many trials may run at once"),
        ("x --asha 4 lr=uniform(0,1)", "add a `budget` parameter"),
        ("x --random 5 lr=uniform(1)", "'lr=uniform(1)': uniform takes two numbers"),
        ("x --random lr=uniform(0,1)", "give the number of trials first"),
        ("x --grid lr=0.1 --random 3 lr=uniform(0,1)", "choose one of"),
        ("x --asha many lr=uniform(0,1)", "give the number of trials first"),
        ("x --grid momentum=0.9,0.99", "momentum not parameters of train"),
        ("x --gpus-per-trial -1 --grid lr=0.1", "--gpus-per-trial -1: give 0 or more GPUs"),
        ("x --gpus-per-trial 1 --grid lr=0.1", "local mode cannot give tasks GPUs"),
        ("x --early-stop asha", "--early-stop asha stops the trials of a --grid, --random"),
        ("x --asha 4 lr=uniform(0,1) --early-stop median", "--asha already stops trials"),
        ("x --early-stop asha --grid lr=0.1", "give train() a `reporter` parameter"),
        ("x --early-stop asha --grace 0 --grid lr=0.1", "grace_period=0"),
    ],
)
def test_a_malformed_search_is_rejected_before_anything_runs(ip, lab: Lab, line, message):
    with pytest.raises(UsageError) as error:
        ip.run_cell_magic("experiment", line, "def train(lr=0.1):\n    return lr\n")
    assert message in str(error.value)
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


def test_load_ext_fails_fast_on_a_bad_setting(ip, monkeypatch) -> None:
    from hopsml_lab import load_ipython_extension
    from hopsml_lab.settings import SettingsError

    monkeypatch.setenv("HOPSML_SPARK_MASTER", "mars://nowhere")
    with pytest.raises(SettingsError, match="HOPSML_SPARK_MASTER"):
        load_ipython_extension(ip)


def test_help_documents_the_options(ip) -> None:
    doc = ip.find_cell_magic("experiment").__doc__
    for option in (
        "--metric",
        "--description",
        "--grid",
        "--random",
        "--evolve",
        "--asha",
        "--direction",
        "--slots",
        "--early-stop",
        "--grace",
        "--seed",
    ):
        assert option in doc


def test_line_magic_help_prints_the_options(ip, capsys) -> None:
    ip.run_line_magic("experiment", "--help")
    printed = capsys.readouterr().out
    assert "--grid" in printed and "--early-stop" in printed and "--seed" in printed
    with pytest.raises(UsageError, match="put %%experiment \\(two %\\) on the first line"):
        ip.run_line_magic("experiment", "mnist --grid lr=0.1")
    # IPython refuses an empty cell itself, and now points at the line magic.
    with pytest.raises(UsageError, match="Did you mean the line magic %experiment"):
        ip.run_cell_magic("experiment", "--help", "")
    with pytest.raises(UsageError, match=r"No closing quotation .*close the quote"):
        ip.run_cell_magic("experiment", "--description 'unclosed", "def f():\n    return 1\n")


def test_a_search_cell_shows_live_progress_and_parallel_coordinates(ip, lab: Lab) -> None:
    from IPython.utils.capture import capture_output

    body = (
        "def train(lr, act):\n"
        "    from hopsml_lab import tracking\n"
        "    import time\n"
        "    for step in range(20):\n"
        "        tracking.log_metric('acc', lr * step, step)\n"
        "        time.sleep(0.1)\n"
        "    return {'acc': lr if act == 'relu' else lr / 2}\n"
    )
    with capture_output() as captured:
        ip.run_cell_magic("experiment", "live --metric acc --grid lr=0.1,0.2 act=relu,tanh", body)
    kinds = [out.data for out in captured.outputs]
    widgets = [d for d in kinds if "application/vnd.jupyter.widget-view+json" in d]
    figures = [
        d["application/vnd.plotly.v1+json"] for d in kinds if "application/vnd.plotly.v1+json" in d
    ]
    assert widgets, "no progress widget"
    types = [trace["type"] for figure in figures for trace in figure["data"]]
    assert "scatter" in types, "no metric curves while it ran"
    assert "parcoords" in types, "no parallel coordinates at the end"
    parcoords = next(f for f in figures if f["data"][0]["type"] == "parcoords")["data"][0]
    assert [d["label"] for d in parcoords["dimensions"]] == ["act", "lr", "acc"]


def test_progress_counts() -> None:
    from hopsml_lab.engine.trial import TrialSpec
    from hopsml_lab.experiments.results import TrialResult
    from hopsml_lab.magics.progress import NotebookProgress

    shown: list = []
    progress = NotebookProgress("p", "acc", "MAX", show=lambda *a, **k: shown.append(a))
    progress.trials_added([TrialSpec(f"t{i}", {}, "x") for i in range(3)])

    def result(key: str, status: str, metric: float | None) -> TrialResult:
        return TrialResult(key, {}, status, {}, metric, 0.1, None, "x")

    progress.trial_finished(result("t0", "finished", 0.5))
    progress.trial_finished(result("t1", "failed", None))
    assert "2/3 done · 1 running · 1 failed · 0 stopped early · best acc 0.5" in (
        progress.summary.value
    )
