"""Stage grid_search: the spend threshold below which a customer churns, searched with
hops' grid_search over the feature group; the best written to Resources/best.json."""

import json

from hopsml_lab import experiment, hopsworks

customers = hopsworks.login().get_feature_store().get_feature_group("customers", 1).read()


def train(threshold):
    accuracy = float(((customers["spend"] < threshold) == customers["churned"]).mean())
    return {"metric": accuracy}


logdir, best, result = experiment.grid_search(
    train, {"threshold": [10, 50, 90]}, direction="max", name="churn_threshold"
)
with open("Resources/best.json", "w") as out:
    json.dump({"threshold": best["threshold"], "accuracy": result["metric"], "logdir": logdir}, out)
print(f"best threshold {best['threshold']}: accuracy {result['metric']}")
