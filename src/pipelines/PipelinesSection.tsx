/**
 * The Pipelines section: each pipeline with its last run's badge, its stages in order
 * and a Run button; unfolded, its recent runs, each stage with its status badge,
 * duration, log tails (a click shows the end of its stdout or stderr) and a link that
 * opens the executed notebook in JupyterLab.
 */
import React from 'react';

import { formatDuration, formatTime } from '../shared/format';
import { useSignal } from '../shared/hooks';
import { PipelineRun, PipelineSummary, StageRun } from './client';
import { PipelinesModel, STATE_BADGE, isRunning } from './model';

/** Run a pipeline; open an executed notebook (a path under the server's root). */
export interface IPipelineActions {
  run(name: string): void;
  openNotebook(path: string): void;
}

/** How many recent runs the unfolded pipeline shows. */
export const RUNS_SHOWN = 5;

export function StateBadge(props: { state: string }): JSX.Element {
  return (
    <span
      className={`hopsml-Status hopsml-Status-${STATE_BADGE[props.state] ?? 'lost'}`}
      data-state={props.state}
    >
      {props.state}
    </span>
  );
}

function StageRow(props: {
  stage: StageRun;
  model: PipelinesModel;
  actions: IPipelineActions;
}): JSX.Element {
  const { stage: s, model, actions } = props;
  const key = model.logKey;
  const id = s.execution_id;
  const logButton = (stream: 'stdout' | 'stderr') =>
    id !== null && id !== undefined ? (
      <button
        className="hopsml-LinkButton hopsml-Pipeline-log"
        data-stream={stream}
        aria-pressed={key?.executionId === id && key.stream === stream}
        title={`The end of ${s.stage}'s ${stream}`}
        onClick={() => void model.showLog(id, stream)}
      >
        {stream}
      </button>
    ) : null;
  const notebook = s.notebook_lab_path;
  return (
    <tr data-stage={s.stage} data-state={s.state}>
      <td>{s.stage}</td>
      <td title={s.error ?? undefined}>
        <StateBadge state={s.state} />
      </td>
      <td className="hopsml-Pipeline-duration">{formatDuration(s.duration_s)}</td>
      <td className="hopsml-Pipeline-outputs">
        {logButton('stdout')} {logButton('stderr')}{' '}
        {notebook ? (
          <button
            className="hopsml-LinkButton hopsml-Pipeline-notebook"
            title={`Open the executed notebook ${notebook}`}
            onClick={() => actions.openNotebook(notebook)}
          >
            notebook
          </button>
        ) : s.output_notebook ? (
          <span
            className="hopsml-Pipeline-meta"
            title={`${s.output_notebook} in the project (not under this server's root)`}
          >
            notebook
          </span>
        ) : null}
      </td>
    </tr>
  );
}

function LogView(props: { model: PipelinesModel }): JSX.Element | null {
  const { model } = props;
  const { value, message } = model.log;
  if (model.logKey === null) {
    return null;
  }
  return (
    <div className="hopsml-Pipeline-logTail">
      {message && <div className="hopsml-Error">{message}</div>}
      {value && (
        <>
          <div className="hopsml-Pipeline-meta">
            {value.path}
            {value.truncated ? ' (its end)' : ''}
          </div>
          <pre className="hopsml-Code">{value.text || '(empty)'}</pre>
        </>
      )}
    </div>
  );
}

function RunView(props: {
  run: PipelineRun;
  model: PipelinesModel;
  actions: IPipelineActions;
}): JSX.Element {
  const { run, model, actions } = props;
  return (
    <li className="hopsml-Pipeline-run" data-run-id={run.id} data-state={run.state}>
      <div className="hopsml-Pipeline-runHead">
        <span>Run {run.id}</span>
        <StateBadge state={run.state} />
        <span className="hopsml-Pipeline-meta">
          {formatTime(run.started_at)}
          {run.duration_s !== null && run.duration_s !== undefined
            ? ` · ${formatDuration(run.duration_s)}`
            : ''}
        </span>
      </div>
      {run.error && <div className="hopsml-Error hopsml-Pipeline-failure">{run.error}</div>}
      <table className="hopsml-Table hopsml-Pipeline-stages">
        <thead>
          <tr>
            <th>Stage</th>
            <th>Status</th>
            <th>Took</th>
            <th>Output</th>
          </tr>
        </thead>
        <tbody>
          {run.stages.map(s => (
            <StageRow key={s.stage} stage={s} model={model} actions={actions} />
          ))}
        </tbody>
      </table>
    </li>
  );
}

function Runs(props: { model: PipelinesModel; actions: IPipelineActions }): JSX.Element {
  const { model, actions } = props;
  const { value, message } = model.detail;
  return (
    <div className="hopsml-Pipeline-detail">
      {message && <div className="hopsml-Error">{message}</div>}
      {value && value.runs.length === 0 && (
        <div className="hopsml-Empty">Not run yet: press Run, or %pipeline run {value.name}.</div>
      )}
      {value && (
        <ul className="hopsml-Pipeline-runs">
          {value.runs.slice(0, RUNS_SHOWN).map(r => (
            <RunView key={r.id} run={r} model={model} actions={actions} />
          ))}
        </ul>
      )}
      <LogView model={model} />
    </div>
  );
}

function PipelineItem(props: {
  pipeline: PipelineSummary;
  model: PipelinesModel;
  actions: IPipelineActions;
}): JSX.Element {
  const { pipeline: p, model, actions } = props;
  const open = model.selected === p.name;
  const busy = model.starting(p.name) || isRunning(p.last_run);
  return (
    <li className="hopsml-Pipeline" data-pipeline-name={p.name}>
      <div className="hopsml-Pipeline-head">
        <button
          className="hopsml-Pipeline-open"
          aria-expanded={open}
          title={`${open ? 'Hide' : 'Show'} the runs of ${p.name}`}
          onClick={() => void model.open(p.name)}
        >
          <span className="hopsml-Pipeline-name">{p.name}</span>
          {p.last_run ? <StateBadge state={p.last_run.state} /> : <span />}
          <span className="hopsml-Pipeline-meta">
            {p.stages.join(' → ')}
            {p.schedule ? ` · ${p.schedule}` : ''}
          </span>
        </button>
        <button
          className="jp-Button jp-mod-styled jp-mod-accept hopsml-Pipeline-run-button"
          disabled={busy}
          title={`Run ${p.name} in the server, stage after stage`}
          onClick={() => actions.run(p.name)}
        >
          {busy ? '…' : 'Run'}
        </button>
      </div>
      {open && <Runs model={model} actions={actions} />}
    </li>
  );
}

export function PipelinesSection(props: {
  model: PipelinesModel;
  actions: IPipelineActions;
}): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  return (
    <div className="hopsml-Pipelines">
      {model.error && <div className="hopsml-Error">{model.error}</div>}
      {model.loaded && model.pipelines.length === 0 && !model.error && (
        <div className="hopsml-Empty">
          No pipelines yet: in a notebook, <code>%pipeline create NAME a.ipynb b.ipynb</code>.
        </div>
      )}
      <ul className="hopsml-Pipelines-list">
        {model.pipelines.map(p => (
          <PipelineItem key={p.name} pipeline={p} model={model} actions={props.actions} />
        ))}
      </ul>
    </div>
  );
}
