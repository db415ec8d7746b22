"""Capping what a trial returns: the catalog keeps numbers and short values, the whole
results go to <trial logdir>/results.json on the project's real store (a local folder,
then HDFS through the WebHDFS double), and the catalog reads the capped results back."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from hopsml_lab.catalog import ExperimentStatus, TrialStatus
from hopsml_lab.experiments.result_files import (
    LIMIT_BYTES,
    OMITTED_KEY,
    cap_results,
    is_marker,
)
from hopsml_lab.lab import Lab, get_lab

LOGDIR = "Experiments/20261125-101010-abcdef/trial_3"
RESULTS = f"{LOGDIR}/results.json"


@pytest.fixture
def lab(project: Path) -> Lab:
    return get_lab()


def _catalog_size(results: dict) -> int:
    return len(json.dumps(results).encode())


def test_small_results_stay_as_they_are_and_write_no_file(lab: Lab) -> None:
    results = {"accuracy": 0.91, "plot": "curve.png", "ok": True, "none": None, "n": 3}
    assert cap_results(lab.store, LOGDIR, results) == results
    assert not lab.store.exists(RESULTS)


def test_a_20_mb_string_goes_to_the_results_file_and_the_metric_stays(lab: Lab) -> None:
    big = "0123456789abcdef" * (20 * 2**20 // 16)
    results = {"accuracy": 0.91, "plot": "curve.png", "log": big, "step": 12}

    capped = cap_results(lab.store, LOGDIR, results)

    assert _catalog_size(capped) < LIMIT_BYTES
    assert capped["accuracy"] == 0.91 and capped["step"] == 12
    assert capped["plot"] == "curve.png"  # short values stay
    marker = capped["log"]
    assert is_marker(marker)
    assert marker["size"] == len(json.dumps(big).encode())
    assert marker["file"] == lab.store.url(RESULTS)
    assert marker["path"] == RESULTS
    assert marker["preview"] == big[:100]
    assert json.loads(lab.store.read_text(RESULTS)) == results  # the whole results


def test_values_that_are_not_json_become_json(lab: Lab) -> None:
    class Model:
        def __str__(self) -> str:
            return "Model(layers=3)"

    results = {
        "accuracy": np.float32(0.5),
        "epochs": np.int64(7),
        "weights": np.arange(4),
        "loss": float("nan"),
        "best": float("inf"),
        "model": Model(),
        "tags": {"b"},
        "pair": (1, "a"),
        "raw": b"bytes",
        7: "int key",
    }
    capped = cap_results(lab.store, LOGDIR, results)
    assert capped == {
        "accuracy": 0.5,
        "epochs": 7,
        "weights": [0, 1, 2, 3],
        "loss": "nan",
        "best": "inf",
        "model": "Model(layers=3)",
        "tags": ["b"],
        "pair": [1, "a"],
        "raw": "bytes",
        "7": "int key",
    }
    assert type(capped["epochs"]) is int and type(capped["accuracy"]) is float
    assert not lab.store.exists(RESULTS)

    # and large: a numpy array of a million predictions
    capped = cap_results(lab.store, LOGDIR, {**results, "predictions": np.zeros(10**6)})
    assert is_marker(capped["predictions"]) and capped["epochs"] == 7
    kept = json.loads(lab.store.read_text(RESULTS))
    assert kept["predictions"] == [0.0] * 10**6 and kept["model"] == "Model(layers=3)"


def test_nested_values_keep_their_numbers(lab: Lab) -> None:
    results = {
        "eval": {"f1": 0.8, "report": {"precision": 0.7, "text": "y" * 200_000}},
        "predictions": list(range(50_000)),
        "accuracy": 0.9,
    }
    capped = cap_results(lab.store, LOGDIR, results, limit_bytes=4096)
    assert _catalog_size(capped) < 4096
    assert capped["accuracy"] == 0.9
    assert capped["eval"]["f1"] == 0.8
    assert capped["eval"]["report"]["precision"] == 0.7
    assert is_marker(capped["eval"]["report"]["text"])
    assert is_marker(capped["predictions"])
    assert json.loads(lab.store.read_text(RESULTS)) == results
    assert results["eval"]["report"]["text"] == "y" * 200_000  # the input is not changed


def test_only_the_largest_values_go_until_the_rest_fits(lab: Lab) -> None:
    results = {"a": "a" * 3000, "b": "b" * 2000, "c": "c" * 500, "acc": 0.5}
    capped = cap_results(lab.store, LOGDIR, results, limit_bytes=3000)
    assert is_marker(capped["a"])
    assert capped["b"] == results["b"] and capped["c"] == results["c"]


def test_thousands_of_short_entries_leave_the_numbers(lab: Lab) -> None:
    results = {f"label_{n}": f"class {n}" for n in range(20_000)}
    results |= {f"score_{n}": n / 1000 for n in range(100)}
    capped = cap_results(lab.store, LOGDIR, results)
    assert _catalog_size(capped) < LIMIT_BYTES
    assert all(capped[f"score_{n}"] == n / 1000 for n in range(100))
    assert capped[OMITTED_KEY]["omitted"] == 20_000
    assert capped[OMITTED_KEY]["file"] == lab.store.url(RESULTS)
    assert json.loads(lab.store.read_text(RESULTS)) == results


def test_the_trial_logdir_may_be_given_as_its_store_url(lab: Lab) -> None:
    capped = cap_results(lab.store, lab.store.url(LOGDIR), {"x": "z" * 100_000})
    assert capped["x"]["path"] == RESULTS
    assert lab.store.exists(RESULTS)


def test_the_catalog_keeps_the_capped_results_and_ranks_by_the_metric(lab: Lab) -> None:
    recorder = lab.recorder
    experiment = recorder.create_experiment(
        lab.project_id, name="big", kind="launch", user="ada", logdir="/p", metric_key="acc"
    )
    trial = recorder.start_trial(experiment, "trial_3", {"lr": 0.1}, lab.store.url(LOGDIR))
    returned = {"acc": 0.75, "dump": "d" * (20 * 2**20)}
    capped = cap_results(lab.store, LOGDIR, returned)
    recorder.finish_trial(trial, TrialStatus.FINISHED, capped, 0.75)
    recorder.finish_experiment(experiment, ExperimentStatus.FINISHED)

    detail = lab.queries.get_experiment(experiment)
    stored = detail.trials[0].results
    assert stored == capped and stored["acc"] == 0.75 and is_marker(stored["dump"])
    assert detail.metrics == {"acc": 0.75} and detail.best_trial == "trial_3"
    assert _catalog_size(detail.model_dump()) < LIMIT_BYTES
