"""What a pipeline is: stages (each a job with its parameters), what each waits for, and
the project paths each reads and writes. Frozen values, saved as JSON.

>>> ingest = Stage("ingest", job="ingest")
>>> train = Stage("train", job="train", params={"lr": "0.01"}, after=("ingest",))
>>> [s.name for s in Pipeline("churn", stages=(train, ingest)).order()]
['ingest', 'train']
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import BadInput, clip

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,199}")
_STAGE_FIELDS = ("name", "job", "params", "after", "retries", "retry_delay_s", "inputs", "outputs")


def check_name(name: object, what: str) -> str:
    """``name`` when it is a usable job, stage or pipeline name, else BadInput."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise BadInput(
            f"{what} name {clip(name)!r}: use letters, digits, '_' and '-' (starting with a "
            "letter or digit, at most 200 characters), e.g. 'train_model'"
        )
    return name


@dataclass(frozen=True)
class Stage:
    """One step: run job ``job`` with ``params`` (over the job's defaults) once every
    stage named in ``after`` has finished. ``inputs`` must exist on the store before it
    runs and ``outputs`` after it, or the stage fails. ``retries`` more attempts,
    ``retry_delay_s`` apart, before the stage counts as failed."""

    name: str
    job: str
    params: dict[str, str] = field(default_factory=dict)
    after: tuple[str, ...] = ()
    retries: int = 0
    retry_delay_s: float = 30.0
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_name(self.name, "stage")
        check_name(self.job, f"stage {self.name}: job")
        if not isinstance(self.params, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.params.items()
        ):
            raise BadInput(f"stage {self.name}: params must map names to strings")
        for attribute in ("after", "inputs", "outputs"):
            value = getattr(self, attribute)
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise BadInput(f"stage {self.name}: {attribute} must be a tuple of strings")
            object.__setattr__(self, attribute, tuple(value))
        if isinstance(self.retries, bool) or not isinstance(self.retries, int) or self.retries < 0:
            raise BadInput(f"stage {self.name}: retries={clip(self.retries)!r}, give 0 or more")
        if not isinstance(self.retry_delay_s, int | float) or self.retry_delay_s < 0:
            raise BadInput(f"stage {self.name}: retry_delay_s must be 0 or more seconds")


@dataclass(frozen=True)
class Pipeline:
    """Stages run in dependency order. ``schedule`` (a cron expression) and ``wait_for``
    (a project folder whose ``_SUCCESS`` file starts a run) are for the Airflow DAG it
    exports; a local run checks ``wait_for`` once."""

    name: str
    stages: tuple[Stage, ...]
    schedule: str | None = None
    wait_for: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        check_name(self.name, "pipeline")
        object.__setattr__(self, "stages", tuple(self.stages))
        if not self.stages or not all(isinstance(s, Stage) for s in self.stages):
            raise BadInput(f"pipeline {self.name}: give one Stage or more")
        names = [s.name for s in self.stages]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise BadInput(f"pipeline {self.name}: stage names must differ; {twice} repeat")

    def stage(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise BadInput(
            f"pipeline {self.name} has no stage {clip(name)!r}; its stages are "
            f"{[s.name for s in self.stages]}"
        )

    def order(self) -> list[Stage]:
        """The stages in an order where each comes after those it waits for (as listed
        where there is a choice). An unknown stage in ``after`` or a cycle is BadInput."""
        for stage in self.stages:
            for before in stage.after:
                self.stage(before)
        done: list[Stage] = []
        placed: set[str] = set()
        while len(done) < len(self.stages):
            ready = [s for s in self.stages if s.name not in placed and placed.issuperset(s.after)]
            if not ready:
                stuck = [s.name for s in self.stages if s.name not in placed]
                raise BadInput(
                    f"pipeline {self.name}: stages {stuck} wait for each other in a cycle; "
                    "remove one of their 'after' entries"
                )
            done.append(ready[0])
            placed.add(ready[0].name)
        return done

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> Pipeline:
        """The pipeline ``to_json`` wrote; anything else is BadInput saying what is wrong."""
        try:
            data = json.loads(text)
        except ValueError as error:
            raise BadInput(f"a pipeline definition must be JSON: {error}") from None
        if not isinstance(data, dict) or not isinstance(data.get("stages"), list):
            raise BadInput("a pipeline definition is a JSON object with a 'stages' list")
        stages = tuple(_stage(s) for s in data["stages"])
        extra = set(data) - {"name", "stages", "schedule", "wait_for", "description"}
        if extra:
            raise BadInput(f"pipeline definition: unknown fields {sorted(extra)}")
        return cls(**{**data, "stages": stages})


def _stage(data: Any) -> Stage:
    if not isinstance(data, dict):
        raise BadInput(f"a stage is a JSON object, not {clip(data)!r}")
    extra = set(data) - set(_STAGE_FIELDS)
    if extra:
        raise BadInput(f"stage {data.get('name')!r}: unknown fields {sorted(extra)}")
    try:
        return Stage(**data)
    except TypeError as error:
        raise BadInput(f"stage {data.get('name')!r}: {error}") from None
