"""maggy's ``AblationStudy`` over a feature view's training dataset: with no hsfs 3.x
training dataset of that name, the latest feature view ``name`` and its training dataset
``version`` are read, LOCO leaving each feature out in turn."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from hopsml_lab import hopsworks
from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.errors import BadInput, NotFound
from hopsml_lab.lab import Lab
from hopsml_lab.maggy import experiment
from hopsml_lab.maggy.ablation import AblationStudy
from hopsml_lab.maggy.config import AblationConfig

pytestmark = pytest.mark.filterwarnings("ignore::hopsml_lab.featurestore.errors.VersionWarning")
ROWS = 60
# each feature's values sit in their own band: a batch's column means say which it holds
BANDS = {"a": 100, "b": 10, "c": 1}


def _feature_view(lab: Lab) -> Any:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "id": np.arange(ROWS),
            **{name: band + rng.random(ROWS) for name, band in BANDS.items()},
            "label": rng.integers(0, 2, ROWS),
        }
    )
    fs = hopsworks.login(engine="python").get_feature_store()
    fg = fs.create_feature_group("abl_fv_src", version=1, primary_key=["id"])
    fg.insert(frame)
    # version 1 without c; the study takes the latest, version 2
    fs.create_feature_view("abl_fv", fg.select(["a", "b", "label"]), version=1, labels=["label"])
    view = fs.create_feature_view(
        "abl_fv", fg.select(["a", "b", "c", "label"]), version=2, labels=["label"]
    )
    assert view.create_training_data()[0] == 1
    assert view.create_train_test_split(test_size=0.25, seed=1)[0] == 2  # the one read
    return view


def train(dataset_function: Any, reporter: Any) -> dict[str, Any]:
    x, _ = next(iter(dataset_function(1, 10)))
    means = np.mean(x.numpy(), axis=0)
    reporter.broadcast(float(len(means)), 0)
    return {"columns": float(len(means)), "seen": ",".join(sorted(str(int(m)) for m in means))}


def _study(version: int) -> AblationStudy:
    study = AblationStudy("abl_fv", version, label_name="label")
    study.model.set_base_model_generator(lambda: None)  # train does not build a model
    return study


def test_loco_over_a_feature_views_training_dataset(lab: Lab) -> None:
    _feature_view(lab)
    study = _study(2)
    study.features.include("a", "b", "c")
    result = experiment.lagom(train, AblationConfig(study, name="fv_abl", direction="max"))
    assert result["num_trials"] == 4  # the base trial + one per feature

    (summary,) = lab.queries.list_experiments("demo", ExperimentQuery()).experiments
    detail = lab.queries.get_experiment(summary.id)
    assert detail.status == "finished" and detail.trial_count == 4
    trials = {t.params["ablated_feature"]: t for t in detail.trials}
    assert {k: t.status for k, t in trials.items()} == dict.fromkeys(
        ["None", "a", "b", "c"], "finished"
    )
    # the primary key the files hold is not a feature; each trial lacks its feature only
    assert trials["None"].results["seen"] == "1,10,100"
    assert trials["a"].results["seen"] == "1,10"
    assert trials["b"].results["seen"] == "1,100"
    assert trials["c"].results["seen"] == "10,100"


def test_feature_view_lookup_mistakes_are_named(lab: Lab) -> None:
    view = _feature_view(lab)
    missing = _study(7)
    with pytest.raises(NotFound, match=r"'abl_fv' version 2 has no training dataset version 7"):
        experiment.lagom(train, AblationConfig(missing))
    view.training_data()  # version 3: in memory, no files
    with pytest.raises(BadInput, match=r"version 3 of feature view 'abl_fv' v2 was made in memory"):
        experiment.lagom(train, AblationConfig(_study(3)))
    key = _study(2)
    key.features.include("id")
    with pytest.raises(BadInput, match=r"'id'.*features are a, b, c \(label 'label'\)"):
        experiment.lagom(train, AblationConfig(key))
    nothing = AblationStudy("no_such", 1, "label")
    nothing.model.set_base_model_generator(lambda: None)
    with pytest.raises(NotFound, match="no feature view 'no_such'"):
        experiment.lagom(train, AblationConfig(nothing))
    assert lab.queries.list_experiments("demo", ExperimentQuery()).experiments == []
