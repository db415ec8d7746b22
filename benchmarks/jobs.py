"""A notebook stage: the overhead a HopsML Lab job run adds over running the same
notebook directly with papermill (aim: under 1 s per stage).

Side by side, interleaved: ``papermill in.ipynb out.ipynb -p x N`` as a user runs it
(a fresh interpreter, the ``python3`` kernel), HopsML Lab's ``JobService.run`` of the
same notebook as a job (the execution recorded in the catalog, logs and the executed
copy kept in the project), and a three-stage pipeline of it, per stage. For reference,
papermill called in a warm interpreter (no interpreter start, no imports).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROUNDS = 3


def _notebook() -> str:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    cells = [
        new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        new_code_cell("total = sum(range(x * 1000))\nprint(total)"),
    ]
    return nbformat.writes(new_notebook(cells=cells, metadata={"kernelspec": _KERNELSPEC}))


_KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _timed(calls: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - started)
    return times


def run() -> list[str]:
    import papermill

    from hopsml_lab.lab import Lab, set_lab
    from hopsml_lab.pipelines.definition import Pipeline, Stage
    from hopsml_lab.pipelines.jobs import JobService
    from hopsml_lab.pipelines.pipelines import PipelineService
    from hopsml_lab.settings import Settings

    papermill_cli = Path(sys.executable).with_name("papermill")
    with tempfile.TemporaryDirectory() as folder:
        lab = Lab(Settings(project_root=str(Path(folder) / "project"), project_name="bench"))
        set_lab(lab)
        try:
            lab.store.write_text("Jobs/stage.ipynb", _notebook())
            source = lab.store.url("Jobs/stage.ipynb")
            jobs, pipelines = JobService.here(), PipelineService.here()
            jobs.create("stage", {"appPath": "Jobs/stage.ipynb"})
            stages = (
                Stage("a", "stage", params={"x": "2"}),
                Stage("b", "stage", params={"x": "3"}, after=("a",)),
                Stage("c", "stage", params={"x": "4"}, after=("b",)),
            )
            pipelines.save(Pipeline("three", stages))
            out = str(Path(folder) / "out.ipynb")

            def direct() -> None:
                subprocess.run(
                    [str(papermill_cli), source, out, "-p", "x", "2", "-k", "python3"],
                    check=True,
                    capture_output=True,
                )

            def job() -> None:
                assert jobs.run("stage", {"x": "2"}).success

            def pipeline() -> None:
                assert pipelines.run("three").success

            def warm() -> None:
                papermill.execute_notebook(
                    source, out, parameters={"x": 2}, kernel_name="python3", progress_bar=False
                )

            warm()  # the imports, once
            times = _timed(
                {"direct": direct, "job": job, "pipeline": pipeline, "warm": warm}, ROUNDS
            )
        finally:
            set_lab(None)
            lab.db.dispose()
    direct_s = statistics.median(times["direct"])
    job_s = statistics.median(times["job"])
    stage_s = statistics.median(times["pipeline"]) / len(stages)
    warm_s = statistics.median(times["warm"])
    return [
        "jobs: a two-cell notebook, medians of "
        f"{ROUNDS} interleaved rounds (aim: a stage adds < 1 s over papermill)",
        f"  papermill CLI (fresh interpreter)     {direct_s:6.2f} s",
        f"  HopsML Lab job run                    {job_s:6.2f} s   "
        f"overhead {job_s - direct_s:+.2f} s, ratio {job_s / direct_s:.2f}x",
        f"  HopsML Lab pipeline, per stage (3)    {stage_s:6.2f} s   "
        f"overhead {stage_s - direct_s:+.2f} s, ratio {stage_s / direct_s:.2f}x",
        f"  papermill in a warm interpreter (ref) {warm_s:6.2f} s",
    ]


if __name__ == "__main__":
    print("\n".join(run()))
