"""Stage deploy: the best churn_threshold model served, asked once, stopped; its answer
written to Resources/predictions.json."""

import json
import tempfile
from pathlib import Path

from hopsml_lab import hopsworks

PREDICTOR = """
import json, os

class Predict:
    def __init__(self):
        path = os.path.join(os.environ["MODEL_FILES_PATH"], "weights.json")
        with open(path) as f:
            self.threshold = json.load(f)["threshold"]

    def predict(self, inputs):
        return [int(row[0] < self.threshold) for row in inputs]
"""

mr = hopsworks.login().get_model_registry()
model = mr.get_best_model("churn_threshold", "accuracy", "max")
script = Path(tempfile.mkdtemp()) / "predictor.py"
script.write_text(PREDICTOR)
deployment = model.deploy(name="churnthreshold", script_file=str(script))
deployment.start(await_running=60)
try:
    answer = deployment.predict(inputs=[[5.0], [95.0]])
finally:
    deployment.stop()
Path("Resources/predictions.json").write_text(json.dumps(answer))
print(f"deployed {model.name} v{model.version}: {answer}")
