"""A pipeline as an Airflow 3 DAG file: one task per stage, run through the project's
``hopsml-lab`` by :mod:`hopsml_lab.airflow`'s operators, and a sensor for ``wait_for``.

>>> path = export_dag(pipeline, "dags/", schedule="0 3 * * *", retries=2)  # doctest: +SKIP
>>> path.name                                                               # doctest: +SKIP
'churn_dag.py'

The file is plain Python a person can read and Airflow imports with only Airflow and
``hopsml_lab.airflow`` (stdlib and Airflow only); it names the project's ``hopsml-lab``
and settings, so Airflow's tasks run this project's jobs wherever Airflow runs on this
machine.
"""

from __future__ import annotations

import datetime
import keyword
import os
import re
import shutil
import sys
import tempfile
import textwrap
from dataclasses import fields
from pathlib import Path

import hopsml_lab

from ..errors import BadInput, clip
from ..settings import ENV_CATALOG_URL, ENV_PROJECT_ROOT, Settings
from .definition import Pipeline, Stage
from .execute import project_env as job_env

_PRESETS = {"@once", "@continuous", "@hourly", "@daily", "@weekly", "@monthly"}
_PRESETS |= {"@quarterly", "@yearly", "@annually", "@midnight"}
_CRON_FIELD = re.compile(r"^[\d*/,?LW#A-Za-z-]+$")
_DEFAULT_DELAY_S = next(f.default for f in fields(Stage) if f.name == "retry_delay_s")
# Names the generated module itself uses; a stage's variable never takes one.
_TAKEN = {"DAG", "HOPSML_LAB", "PROJECT_ENV", "dag", "datetime", "default_args", "sys"}
_TAKEN |= {"HopsmlSuccessFileSensor", "HopsworksLaunchOperator", "report_failure", "report_retry"}


def export_dag(
    pipeline: Pipeline,
    folder: str | Path,
    *,
    schedule: str | None = None,
    retries: int | None = None,
    retry_delay_s: float | None = None,
    settings: Settings | None = None,
    executable: str | Path | None = None,
    sensor_poke_interval_s: float = 60.0,
    sensor_timeout_s: float = 86_400.0,
) -> Path:
    """Write ``<folder>/<pipeline>_dag.py`` and return its path.

    ``schedule`` (a cron expression or an Airflow preset like ``@daily``) wins over the
    pipeline's; with neither, the DAG runs when triggered. ``retries`` and
    ``retry_delay_s`` are the default of the stages that set none of their own.
    ``settings`` (default: this process's project) and ``executable`` (default: the
    ``hopsml-lab`` beside this interpreter) say which project the tasks run. The sensor
    on ``pipeline.wait_for`` looks every ``sensor_poke_interval_s`` and gives up after
    ``sensor_timeout_s``.
    """
    if not isinstance(pipeline, Pipeline):
        raise BadInput(f"export_dag takes a Pipeline, not {type(pipeline).__name__}")
    pipeline.order()  # an unknown stage or a cycle is refused before anything is written
    text = dag_source(
        pipeline,
        schedule=_schedule(schedule or pipeline.schedule),
        retries=_retries(retries),
        retry_delay_s=_delay(retry_delay_s),
        settings=settings if settings is not None else _project_settings(),
        executable=_executable(executable),
        sensor_poke_interval_s=_positive(sensor_poke_interval_s, "sensor_poke_interval_s"),
        sensor_timeout_s=_positive(sensor_timeout_s, "sensor_timeout_s"),
    )
    target = Path(folder).expanduser()
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{pipeline.name}_dag.py"
    # Airflow's DAG processor may read the folder at any moment: the file appears whole.
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=target)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def dag_source(
    pipeline: Pipeline,
    *,
    schedule: str | None,
    retries: int,
    retry_delay_s: float,
    settings: Settings,
    executable: str,
    sensor_poke_interval_s: float,
    sensor_timeout_s: float,
) -> str:
    """The DAG module's text (what :func:`export_dag` writes)."""
    stages = pipeline.order()
    names = _variables([s.name for s in stages])
    sensor_id = _free("wait_for_data", {s.name for s in stages})
    sensor_var = _free("wait_for_data", set(names.values()) | _TAKEN)
    env, notes = project_env(settings)
    flow = " -> ".join(([sensor_id] if pipeline.wait_for else []) + [s.name for s in stages])
    today = datetime.datetime.now(datetime.timezone.utc)
    out = [
        '"""Airflow DAG of the HopsML Lab pipeline ' + _doc(repr(pipeline.name)) + ".",
        "",
        *([*_wrap(_doc(pipeline.description)), ""] if pipeline.description else []),
        *_wrap(f"Tasks, in an order they can run in: {flow}."),
        f"Exported by hopsml-lab on {today:%Y-%m-%d %H:%M} UTC: export the pipeline again",
        f"(`hopsml-lab pipeline export {pipeline.name} --to DIR`) rather than edit this file.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import datetime",
        "import sys",
        "",
        "from airflow.sdk import DAG",
        "",
        "try:",
        "    from hopsml_lab.airflow import (",
        *_imports(pipeline, indent=8),
        "    )",
        "except ImportError:",
        "    # hopsml-lab is not installed in Airflow's environment: take its Airflow package",
        "    # (stdlib and Airflow only) from the project's installation, last on the path.",
        f"    sys.path.append({_py(str(Path(hopsml_lab.__file__).parent.parent))})",
        "    from hopsml_lab.airflow import (",
        *_imports(pipeline, indent=8),
        "    )",
        "",
        "# The project's hopsml-lab: every task runs the project's jobs through it.",
        f"HOPSML_LAB = {_py(executable)}",
        "",
        "# The project's settings, as its jobs read them.",
        *[f"# {note}" for note in notes],
        "PROJECT_ENV = {",
        *[f"    {_py(k)}: {_py(v)}," for k, v in env.items()],
        "}",
        "",
        "default_args = {",
        '    "owner": "hopsml",',
        f"    # {_retry_note(retries)}",
        f'    "retries": {retries},',
        f'    "retry_delay": {_delta(retry_delay_s)},',
        "    # Name the failed stage, its job and the try in the task's log.",
        '    "on_failure_callback": report_failure,',
        '    "on_retry_callback": report_retry,',
        "    # Every operator and sensor below runs the project's hopsml-lab with its settings.",
        '    "hopsml_lab": HOPSML_LAB,',
        '    "env": PROJECT_ENV,',
        "}",
        "",
        "with DAG(",
        f"    dag_id={_py(pipeline.name)},",
        *([f"    description={_py(_line(pipeline.description))},"] if pipeline.description else []),
        f"    schedule={_py(schedule)},",
        f"    start_date=datetime.datetime({today.year}, {today.month}, {today.day}, "
        "tzinfo=datetime.timezone.utc),",
        "    catchup=False,",
        "    max_active_runs=1,",
        "    default_args=default_args,",
        '    tags=["hopsml", "pipeline"],',
        ") as dag:",
    ]
    if pipeline.wait_for:
        out += [
            f"    # Wait for {pipeline.wait_for}/_SUCCESS on the project's store, looking every",
            f"    # {sensor_poke_interval_s:g} s, for at most {sensor_timeout_s:g} s.",
            f"    {sensor_var} = HopsmlSuccessFileSensor(",
            f"        task_id={_py(sensor_id)},",
            f"        path={_py(pipeline.wait_for)},",
            '        mode="reschedule",',
            f"        poke_interval={sensor_poke_interval_s!r},",
            f"        timeout={sensor_timeout_s!r},",
            "        retries=0,",
            "    )",
            "",
        ]
    for stage in stages:
        out += _stage_task(stage, names[stage.name], retries, retry_delay_s)
    out += ["    # The order the stages run in."]
    for stage in stages:
        before = [names[b] for b in stage.after]
        if not before and pipeline.wait_for:
            before = [sensor_var]
        if before:
            upstream = before[0] if len(before) == 1 else "[" + ", ".join(before) + "]"
            out.append(f"    {upstream} >> {names[stage.name]}")
    if out[-1] == "    # The order the stages run in.":
        out[-1] = "    # The stages wait for none other: they run side by side."
    return "\n".join(out) + "\n"


def _stage_task(stage: Stage, variable: str, retries: int, retry_delay_s: float) -> list[str]:
    own_retries = stage.retries or retries
    own_delay = retry_delay_s if stage.retry_delay_s == _DEFAULT_DELAY_S else stage.retry_delay_s
    lines = [f"    # Stage {stage.name}: job {stage.job}."]
    if stage.inputs:
        lines += _wrap(f"Reads {', '.join(stage.inputs)}.", "    # ")
    if stage.outputs:
        lines += _wrap(f"Writes {', '.join(stage.outputs)}.", "    # ")
    lines += [
        f"    {variable} = HopsworksLaunchOperator(",
        f"        task_id={_py(stage.name)},",
        f"        job_name={_py(stage.job)},",
    ]
    if stage.params:
        lines.append("        job_arguments={")
        lines += [f"            {_py(k)}: {_py(v)}," for k, v in stage.params.items()]
        lines.append("        },")
    for attribute in ("inputs", "outputs"):
        paths = getattr(stage, attribute)
        if paths:
            lines.append(f"        {attribute}=[" + ", ".join(_py(p) for p in paths) + "],")
    if own_retries != retries:
        lines.append(f"        retries={own_retries},")
    if own_delay != retry_delay_s:
        lines.append(f"        retry_delay={_delta(own_delay)},")
    return [*lines, "    )", ""]


def project_env(settings: Settings) -> tuple[dict[str, str], list[str]]:
    """The environment variables that make ``hopsml-lab`` open this project from any
    folder (the root made absolute), and notes for the reader on what was left to
    Airflow's environment (a catalog URL with a password)."""
    env = job_env(settings)
    if not settings.is_remote_store:
        root = Path(settings.project_root.removeprefix("file://")).expanduser().absolute()
        env[ENV_PROJECT_ROOT] = str(root)
    notes: list[str] = []
    if _has_password(env.get(ENV_CATALOG_URL, "")):
        del env[ENV_CATALOG_URL]
        notes.append(
            f"{ENV_CATALOG_URL} holds a password, so it is not written here: set it in the "
            "environment of Airflow's workers."
        )
    return env, notes


def _has_password(url: str) -> bool:
    from sqlalchemy.engine import make_url

    return bool(url) and bool(make_url(url).password)


def _project_settings() -> Settings:
    from ..lab import get_lab

    return get_lab().settings


def _executable(given: str | Path | None) -> str:
    if given is not None:
        path = Path(given).expanduser().absolute()
    else:
        beside = Path(sys.executable).parent / "hopsml-lab"
        found = beside if beside.exists() else shutil.which("hopsml-lab")
        if found is None:
            raise BadInput(
                "no hopsml-lab executable beside this Python or on PATH: install the "
                "project (pip install -e .) or give executable='/path/to/hopsml-lab'"
            )
        path = Path(found).absolute()
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise BadInput(f"executable {clip(str(path))!r} is not an executable hopsml-lab")
    return str(path)


def _schedule(schedule: str | None) -> str | None:
    if schedule is None:
        return None
    text = schedule.strip()
    parts = text.split()
    if text in _PRESETS or (len(parts) in (5, 6) and all(_CRON_FIELD.match(p) for p in parts)):
        return " ".join(parts)
    raise BadInput(
        f"schedule {clip(schedule)!r}: give a cron expression like '0 3 * * *' (03:00 "
        f"every day) or one of {sorted(_PRESETS)}"
    )


def _retries(retries: int | None) -> int:
    if retries is None:
        return 0
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise BadInput(f"retries={clip(retries)!r}: give a whole number, 0 or more")
    return retries


def _delay(delay_s: float | None) -> float:
    if delay_s is None:
        return float(_DEFAULT_DELAY_S)
    if isinstance(delay_s, bool) or not isinstance(delay_s, int | float) or delay_s < 0:
        raise BadInput(f"retry_delay_s={clip(delay_s)!r}: give 0 or more seconds")
    return float(delay_s)


def _positive(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise BadInput(f"{name}={clip(value)!r}: give a number of seconds above 0")
    return float(value)


def _imports(pipeline: Pipeline, indent: int) -> list[str]:
    names = ["HopsworksLaunchOperator", "report_failure", "report_retry"]
    if pipeline.wait_for:
        names.insert(0, "HopsmlSuccessFileSensor")
    return [" " * indent + name + "," for name in names]


def _variables(stage_names: list[str]) -> dict[str, str]:
    """A distinct Python name for each stage's task."""
    chosen: dict[str, str] = {}
    for name in stage_names:
        base = name.replace("-", "_")
        if base[0].isdigit() or keyword.iskeyword(base):
            base = f"stage_{base}"
        chosen[name] = _free(base, set(chosen.values()) | _TAKEN)
    return chosen


def _free(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    return name


def _py(value: str | None) -> str:
    """A Python literal for ``value``, quoted as ruff formats it: double quotes unless
    single ones need fewer escapes."""
    if value is None:
        return "None"
    quote = "'" if value.count('"') > value.count("'") else '"'
    return quote + "".join(_escaped(ch, quote) for ch in value) + quote


def _escaped(ch: str, quote: str) -> str:
    if ch in ("\\", quote):
        return "\\" + ch
    if ch.isprintable():
        return ch
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or ascii(ch)[1:-1]


def _delta(seconds: float) -> str:
    return f"datetime.timedelta(seconds={seconds:g})"


def _retry_note(retries: int) -> str:
    if retries == 0:
        return "A failed stage fails the run at once, unless it sets its own retries."
    times = {1: "once", 2: "twice"}.get(retries, f"{retries} times")
    return f"A failed stage is tried again {times}, unless it sets its own retries."


def _wrap(text: str, prefix: str = "") -> list[str]:
    """Lines of at most 88 characters, each paragraph wrapped on its own."""
    return [
        line
        for paragraph in text.splitlines() or [""]
        for line in textwrap.wrap(
            paragraph, 88, initial_indent=prefix, subsequent_indent=prefix, break_on_hyphens=False
        )
        or [prefix.rstrip()]
    ]


def _line(text: str) -> str:
    return " ".join(text.split())


def _doc(text: str) -> str:
    # Inside the module's docstring: no closing quotes, no backslash escapes.
    return text.replace("\\", "/").replace('"""', "'''")
