"""maggy's ablation studies: ``AblationStudy`` + ``AblationConfig`` through
``experiment.lagom``, LOCO's trials read from a real training dataset and a real Keras
model, each trial recorded as a trial of one experiment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hopsml_lab import hopsworks
from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.errors import BadInput, NotFound
from hopsml_lab.experiments.ablation_model import LayerSelection, UnknownLayer, without_layers
from hopsml_lab.lab import Lab
from hopsml_lab.maggy import experiment
from hopsml_lab.maggy.ablation import AblationStudy
from hopsml_lab.maggy.ablation.ablator.loco import LOCO
from hopsml_lab.maggy.config import AblationConfig

pytestmark = pytest.mark.filterwarnings("ignore::hopsml_lab.featurestore.errors.VersionWarning")
ROWS = 200
# Each feature's values sit in their own band, so a batch's column means say which
# features it holds: a ~ 100, b ~ 10, c ~ 1.
BANDS = {"a": 100, "b": 10, "c": 1}


def _training_dataset(lab: Lab, formats: tuple[str, ...] = ("tfrecords",)) -> None:
    rng = np.random.default_rng(7)
    noise = {name: rng.random(ROWS) for name in BANDS}
    frame = pd.DataFrame(
        {
            "id": np.arange(ROWS),
            **{name: band + noise[name] for name, band in BANDS.items()},
            "label": (noise["c"] > 0.5).astype("int64"),
        }
    )
    fs = hopsworks.login(engine="python").get_feature_store()
    fg = fs.create_feature_group("ablation_src", version=1, primary_key=["id"])
    fg.insert(frame)
    for version, data_format in enumerate(formats, start=1):
        td = fs.create_training_dataset(
            "ablation_td", version=version, data_format=data_format, label=["label"]
        )
        td.save(fg.select(["a", "b", "c", "label"]))


def base_model():
    import tensorflow as tf

    # No input shape: feature trials feed fewer columns (maggy's example model too).
    return tf.keras.Sequential(
        [
            tf.keras.layers.Dense(8, activation="relu", name="first"),
            tf.keras.layers.Dense(8, activation="relu", name="hidden_one"),
            tf.keras.layers.Dense(8, activation="relu", name="hidden_two"),
            tf.keras.layers.Dense(4, activation="relu", name="extra_a"),
            tf.keras.layers.Dense(4, activation="relu", name="extra_b"),
            tf.keras.layers.Dense(1, activation="sigmoid", name="out"),
        ]
    )


def small_model():
    import tensorflow as tf

    return tf.keras.Sequential(
        [tf.keras.layers.Dense(2, name="tiny"), tf.keras.layers.Dense(1, name="tiny_out")]
    )


def _study(full: bool = True) -> AblationStudy:
    study = AblationStudy("ablation_td", 1, label_name="label")
    study.features.include("a", ["b"])
    study.model.set_base_model_generator(base_model)
    study.model.layers.include("hidden_one")
    study.model.layers.include_groups(prefix="extra")
    study.model.add_custom_model_generator(small_model, "tiny")
    if full:
        study.model.layers.include("hidden_two")
        study.model.layers.include_groups(["hidden_one", "extra_a"])
    return study


def train(dataset_function, model_function, reporter):
    dataset = dataset_function(1, 20)
    x, _ = next(iter(dataset))
    seen = ",".join(sorted(str(int(m)) for m in np.mean(x.numpy(), axis=0)))
    model = model_function()
    # eagerly: a few batches train faster than tracing a graph would take
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"], run_eagerly=True)
    history = model.fit(dataset, epochs=1, verbose=0)
    accuracy = float(history.history["accuracy"][-1])
    reporter.broadcast(accuracy, 0)
    return {"accuracy": accuracy, "seen": seen, "layers": ",".join(x.name for x in model.layers)}


def test_loco_trials_on_a_training_dataset_and_a_keras_model(lab: Lab, capsys) -> None:
    _training_dataset(lab)
    study = _study(full=False)
    config = AblationConfig(ablation_study=study, ablator="loco", name="abl", direction="max")
    result = experiment.lagom(train, config)

    # 1 base + 2 features + 1 layer + 1 group + 1 custom model
    assert result["num_trials"] == 6 == len(result["metric_list"])
    assert set(result["best_config"]) == {"ablated_feature", "ablated_layer"}
    printed = capsys.readouterr().out
    assert "------ LOCO Results ------" in printed and "BEST Config Excludes" in printed
    assert "base (nothing removed)" in printed and "feature a" in printed

    (summary,) = lab.queries.list_experiments("demo", ExperimentQuery()).experiments
    detail = lab.queries.get_experiment(summary.id)
    assert detail.kind == "maggy_ablation" and detail.trial_count == 6
    assert detail.status == "finished"
    trials = {(t.params["ablated_feature"], t.params["ablated_layer"]): t for t in detail.trials}
    unfinished = {k: (t.status, t.error) for k, t in trials.items() if t.status != "finished"}
    assert not unfinished
    every = "first,hidden_one,hidden_two,extra_a,extra_b,out"
    assert trials["None", "None"].results["seen"] == "1,10,100"
    assert trials["None", "None"].results["layers"] == every
    assert trials["None", "None"].results["Metric"] == trials["None", "None"].results["accuracy"]
    # each feature trial's data lacks that feature, and only it
    assert trials["a", "None"].results["seen"] == "1,10"
    assert trials["b", "None"].results["seen"] == "1,100"
    assert trials["a", "None"].results["layers"] == every
    # each layer trial's model lacks that layer (or group), and only it
    layers = {key[1]: t.results["layers"] for key, t in trials.items() if key[0] == "None"}
    assert layers["hidden_one"] == "first,hidden_two,extra_a,extra_b,out"
    assert layers["Layers prefixed extra"] == "first,hidden_one,hidden_two,out"
    assert layers["Custom model: tiny"] == "tiny,tiny_out"
    assert all(t.results["seen"] == "1,10,100" for k, t in trials.items() if k[0] == "None")


def test_study_mistakes_are_named_before_anything_runs(lab: Lab) -> None:
    _training_dataset(lab)
    unknown_feature = AblationStudy("ablation_td", 1, "label")
    unknown_feature.features.include("a", "nope")
    unknown_feature.model.set_base_model_generator(base_model)
    with pytest.raises(BadInput, match=r"'nope'.*features are a, b, c \(label 'label'\)"):
        experiment.lagom(train, AblationConfig(unknown_feature))

    the_label = AblationStudy("ablation_td", 1, "label")
    the_label.features.include("label")
    the_label.model.set_base_model_generator(base_model)
    with pytest.raises(BadInput, match=r"'label'.*are not features"):
        experiment.lagom(train, AblationConfig(the_label))

    layer = AblationStudy("ablation_td", 1, "label")
    layer.model.set_base_model_generator(base_model)
    layer.model.layers.include("hidden_three")
    with pytest.raises(UnknownLayer, match=r"'hidden_three'.*hidden_one, hidden_two, extra_a"):
        experiment.lagom(train, AblationConfig(layer))
    layer.model.layers.exclude("hidden_three")
    layer.model.layers.include("out")
    with pytest.raises(UnknownLayer, match="first and last layers are never ablated"):
        experiment.lagom(train, AblationConfig(layer))
    layer.model.layers.exclude("out")
    layer.model.layers.include_groups(prefix="dropout")
    with pytest.raises(UnknownLayer, match="no layer named with prefix 'dropout'"):
        experiment.lagom(train, AblationConfig(layer))

    no_model = AblationStudy("ablation_td", 1, "label")
    with pytest.raises(BadInput, match="set_base_model_generator"):
        experiment.lagom(train, AblationConfig(no_model))

    wrong_label = AblationStudy("ablation_td", 1, "survived")
    wrong_label.model.set_base_model_generator(base_model)
    with pytest.raises(BadInput, match=r"'survived' is not a column.*a, b, c, label"):
        experiment.lagom(train, AblationConfig(wrong_label))

    missing = AblationStudy("ablation_td", 2, "label")
    missing.model.set_base_model_generator(base_model)
    with pytest.raises(NotFound, match=r"version 2.*versions: ablation_td v1"):
        experiment.lagom(train, AblationConfig(missing))

    study = AblationStudy("ablation_td", 1, "label")
    study.model.set_base_model_generator(base_model)
    with pytest.raises(BadInput, match=r"needs epochs"):
        experiment.lagom(lambda dataset_function, epochs: 0.0, AblationConfig(study))
    with pytest.raises(TypeError, match="AblationStudy"):
        experiment.lagom(train, AblationConfig("titanic"))
    with pytest.raises(TypeError, match="'loco'"):
        experiment.lagom(train, AblationConfig(study, ablator="lofo"))
    assert lab.queries.list_experiments("demo", ExperimentQuery()).experiments == []


def test_loco_trial_list_with_a_custom_dataset_generator() -> None:
    def dataset(num_epochs, batch_size):
        return (num_epochs, batch_size)

    study = _study()
    study.set_dataset_generator(dataset)
    loco = LOCO(study, [])
    assert loco.get_number_of_trials() == 8
    loco.initialize()
    made = []
    while (trial := loco.get_trial()) is not None:
        made.append(trial)
    assert len(made) == 8 and len({t.trial_id for t in made}) == 8
    assert all(t.params["dataset_function"] is dataset for t in made)
    labels = sorted((t.params["ablated_feature"], t.params["ablated_layer"]) for t in made)
    assert labels == [
        ("None", "Custom model: tiny"),
        ("None", "Layers prefixed extra"),
        ("None", "None"),
        ("None", "['extra_a', 'hidden_one']"),
        ("None", "hidden_one"),
        ("None", "hidden_two"),
        ("a", "None"),
        ("b", "None"),
    ]
    custom = next(t for t in made if t.params["ablated_layer"] == "Custom model: tiny")
    assert custom.params["model_function"] is small_model
    assert study.to_dict()["custom_dataset_generator"] is True


def test_study_building_checks_its_arguments(capsys) -> None:
    study = AblationStudy("t", 1, "y")
    study.features.include(["x1", "x2"], "x3")
    study.features.exclude("x2")
    assert study.features.included_features == {"x1", "x3"}
    assert "Feature 'x2' is excluded" in capsys.readouterr().out
    with pytest.raises(ValueError, match="only accepts strings"):
        study.features.include(3)
    with pytest.raises(ValueError, match="only one element"):
        study.model.layers.include_groups(["solo"])
    with pytest.raises(ValueError, match="prefix"):
        study.model.layers.include_groups(prefix=1)
    study.model.layers.include_groups(["l1", "l2"], prefix="d")
    study.model.layers.exclude_groups(["l1", "l2"])
    assert study.model.layers.included_groups == {frozenset(["d"])}


def test_without_layers_rebuilds_a_smaller_model_that_trains() -> None:
    import tensorflow as tf

    model = base_model()
    smaller = without_layers(model, LayerSelection.of({"extra"}))
    assert [layer.name for layer in smaller.layers] == ["first", "hidden_one", "hidden_two", "out"]
    built = tf.keras.Sequential(
        [tf.keras.Input(shape=(3,)), *[type(x).from_config(x.get_config()) for x in model.layers]]
    )
    built(np.zeros((1, 3), dtype="float32"))  # built: each layer has its input width fixed
    narrower = without_layers(built, LayerSelection.of("extra_a"))
    assert narrower(np.zeros((2, 3), dtype="float32")).shape == (2, 1)
    assert "extra_a" not in [layer.name for layer in narrower.layers]
    functional_in = tf.keras.Input(shape=(3,))
    functional = tf.keras.Model(functional_in, tf.keras.layers.Dense(1)(functional_in))
    with pytest.raises(BadInput, match="add_custom_model_generator"):
        without_layers(functional, LayerSelection.of("dense"))


def test_dataset_function_leaves_the_feature_out_in_every_format(lab: Lab) -> None:
    formats = ("tfrecords", "csv", "parquet", "tsv")
    _training_dataset(lab, formats)
    for version, data_format in enumerate(formats, start=1):
        loco = LOCO(AblationStudy("ablation_td", version, "label"), [])
        batches = list(loco.get_dataset_generator("b")(2, 50))
        assert len(batches) == 2 * ROWS // 50, data_format
        x, y = batches[0]
        assert x.shape == (50, 2) and y.shape == (50,), data_format
        means = sorted(int(m) for m in np.mean(x.numpy(), axis=0))
        assert means == [1, 100], data_format
        assert set(np.unique(y.numpy())) <= {0.0, 1.0}
