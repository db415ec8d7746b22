"""``%%experiment`` overhead for a trivial function: cell start to result shown.

Runs the magic in a real IPython shell on a warm local[2] Spark session; the peer is an
MLflow-tracked run of the same function on a SQLite tracking store (its own venv).
"""

from __future__ import annotations

from .peers import run_peer
from .stats import Timing, bench_lab, measure, ratio_line

CELL = "def trivial():\n    return {'accuracy': 1.0}\n"


def run(repeat: int = 40) -> list[str]:
    from IPython.core.interactiveshell import InteractiveShell

    with bench_lab():
        shell = InteractiveShell.instance()
        shell.run_line_magic("load_ext", "hopsml_lab")
        shell.display_pub.publish = lambda *a, **k: None  # type: ignore[method-assign]
        ours = measure(
            "%%experiment trivial function (local[2], SQLite catalog)",
            lambda: shell.run_cell_magic("experiment", "bench --metric accuracy", CELL),
            repeat,
            warmup=3,
        )
    peer_samples = run_peer("mlflow", "tracked_run", repeat=repeat)
    peer = Timing("MLflow start_run + log_params + log_metrics (SQLite)", peer_samples)
    return [
        "experiment overhead (aim: p95 < 50 ms)",
        ours.line(),
        peer.line(),
        ratio_line(ours, peer),
    ]
