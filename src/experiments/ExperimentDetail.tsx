/** Main-area view of one experiment: summary, 'TensorBoard', its trials a page at a time
 * (sorted by the server by any column) with 'Reproduce', metric curves and parallel
 * coordinates of the page's trials and the experiment's best ones. */
import React, { useMemo, useState } from 'react';

import { ExperimentDetail, TrialRecord } from '../api';
import { ICurveSource, parallelCoordinatesFigure } from '../shared/charts';
import { OpenTensorBoard } from '../shared/commands';
import { formatDuration, formatTime, formatValue } from '../shared/format';
import { useSignal } from '../shared/hooks';
import { Plot } from '../shared/Plot';
import { MetricCurves } from './MetricCurves';
import { ExperimentDetailModel } from './model';
import {
  ITrialSort,
  chartTrials,
  defaultTrialSort,
  formatBytes,
  fromServerSort,
  isTruncated,
  nextSort,
  toServerSort
} from './trials';

/** Write the reproduction notebook of a trial and open it. */
export type Reproduce = (trial: string) => Promise<unknown>;
/** Open a file of the project (its path relative to the project's folder). */
export type OpenFile = (path: string) => void;

function columns(trials: readonly TrialRecord[], pick: (t: TrialRecord) => object) {
  const names = new Set<string>();
  trials.forEach(t => Object.keys(pick(t)).forEach(k => names.add(k)));
  return [...names];
}

function Summary(props: { detail: ExperimentDetail }): JSX.Element {
  const d = props.detail;
  const facts: [string, string][] = [
    ['Id', d.id],
    ['Status', d.status],
    ['Kind', d.kind],
    ['User', d.user],
    ['Started', formatTime(d.created_at)],
    ['Duration', formatDuration(d.duration_s)],
    ['Best trial', d.best_trial ?? ''],
    [d.metric_key ?? 'Metric', formatValue(d.metric_value)],
    ['Folder', d.logdir],
    ['Notebook', d.notebook ?? ''],
    ['Why', d.error ?? '']
  ];
  return (
    <dl className="hopsml-Facts">
      {facts
        .filter(([, value]) => value !== '')
        .map(([label, value]) => (
          <React.Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </React.Fragment>
        ))}
    </dl>
  );
}

function SortHeader(props: {
  column: string;
  label: string;
  className?: string;
  sort: ITrialSort;
  onSort: (column: string) => void;
}): JSX.Element {
  const sorted = props.sort.column === props.column;
  return (
    <th
      className={props.className}
      aria-sort={sorted ? (props.sort.descending ? 'descending' : 'ascending') : 'none'}
    >
      {/* the arrow comes from CSS (aria-sort), so the header text stays the name */}
      <button className="hopsml-SortHeader" onClick={() => props.onSort(props.column)}>
        {props.label}
      </button>
    </th>
  );
}

function ReproduceButton(props: {
  trial: string;
  onReproduce: Reproduce;
  snapshot: boolean;
}): JSX.Element {
  const [busy, setBusy] = useState(false);
  return (
    <button
      className="jp-Button hopsml-Reproduce"
      disabled={busy || !props.snapshot}
      title={
        props.snapshot
          ? `Open the experiment's notebook with the parameters of ${props.trial}`
          : 'This experiment was not started from a notebook: there is no snapshot to reopen'
      }
      onClick={() => {
        setBusy(true);
        void props.onReproduce(props.trial).finally(() => setBusy(false));
      }}
    >
      {busy ? 'Opening…' : 'Reproduce'}
    </button>
  );
}

/** A result cell: the value, or where a result too large for the catalog was kept. */
function Result(props: { value: unknown; onOpenFile?: OpenFile }): JSX.Element {
  const { value, onOpenFile } = props;
  if (!isTruncated(value)) {
    return <>{formatValue(value)}</>;
  }
  const what =
    value.omitted !== undefined
      ? `${value.omitted} more results`
      : `${formatBytes(value.size ?? 0)}`;
  const title =
    `Too large for the catalog: kept in ${value.file ?? value.path}` +
    (value.preview ? `\n${value.preview}…` : '');
  return (
    <span className="hopsml-Truncated" title={title}>
      {what} in{' '}
      {onOpenFile && value.path ? (
        <button
          className="hopsml-LinkButton"
          onClick={() => onOpenFile(value.path as string)}
        >
          results.json
        </button>
      ) : (
        'results.json'
      )}
    </span>
  );
}

/** 'Trials 51–100 of 10,000' with Previous and Next. */
function Pager(props: { model: ExperimentDetailModel }): JSX.Element | null {
  const { model } = props;
  if (!model.hasNext && !model.hasPrevious) {
    return null;
  }
  const first = model.offset + 1;
  const last = model.offset + model.trials.length;
  return (
    <div className="hopsml-Pager">
      <button
        className="jp-Button jp-mod-styled hopsml-PreviousPage"
        disabled={!model.hasPrevious || model.loading}
        onClick={() => void model.previousPage()}
      >
        Previous
      </button>
      <span className="hopsml-Pager-range">
        Trials {first.toLocaleString()}–{last.toLocaleString()} of{' '}
        {model.total.toLocaleString()}
      </span>
      <button
        className="jp-Button jp-mod-styled hopsml-NextPage"
        disabled={!model.hasNext || model.loading}
        onClick={() => void model.nextPage()}
      >
        Next
      </button>
    </div>
  );
}

function Trials(props: {
  model: ExperimentDetailModel;
  detail: ExperimentDetail;
  onReproduce: Reproduce;
  onOpenFile?: OpenFile;
}): JSX.Element {
  const { model, detail } = props;
  const trials = model.trials;
  const sort: ITrialSort = model.sort
    ? fromServerSort(model.sort, detail.metric_key)
    : defaultTrialSort({ ...detail, trials: [...trials] });
  const params = columns(trials, t => t.params);
  const results = columns(trials, t => t.results);
  const header = {
    sort,
    onSort: (column: string) =>
      void model.setSort(toServerSort(nextSort(sort, column), detail.metric_key))
  };
  return (
    <>
      <Pager model={model} />
      <table
        className={`hopsml-Table hopsml-Trials${model.loading ? ' hopsml-mod-loading' : ''}`}
        aria-busy={model.loading}
      >
        <thead>
          <tr>
            <SortHeader column="key" label="Trial" {...header} />
            <SortHeader column="status" label="Status" {...header} />
            {params.map(p => (
              <SortHeader
                key={`p-${p}`}
                column={`param:${p}`}
                label={p}
                className="hopsml-Param"
                {...header}
              />
            ))}
            {results.map(r => (
              <SortHeader
                key={`r-${r}`}
                column={`result:${r}`}
                label={r}
                className="hopsml-Result"
                {...header}
              />
            ))}
            <SortHeader column="duration" label="Duration" {...header} />
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {trials.map(t => (
            <tr
              key={t.key}
              data-trial={t.key}
              className={t.key === detail.best_trial ? 'hopsml-Best' : ''}
            >
              <td>{t.key}</td>
              <td>
                <span className={`hopsml-Status hopsml-Status-${t.status}`}>{t.status}</span>
              </td>
              {params.map(p => (
                <td key={`p-${p}`}>{formatValue(t.params[p])}</td>
              ))}
              {results.map(r => (
                <td key={`r-${r}`}>
                  <Result value={t.results[r]} onOpenFile={props.onOpenFile} />
                </td>
              ))}
              <td>{formatDuration(t.duration_s)}</td>
              <td>
                <ReproduceButton
                  trial={t.key}
                  onReproduce={props.onReproduce}
                  snapshot={detail.notebook !== null}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager model={model} />
    </>
  );
}

const NO_SERIES =
  'No metric series yet: report them from the train function with ' +
  'tracking.log_metric(name, value, step).';

/** The page's trials and the experiment's best ones (at most TRIAL_PAGE + CHART_TOP
 * lines), never every trial of a large experiment. */
function Charts(props: {
  detail: ExperimentDetail;
  trials: readonly TrialRecord[];
}): JSX.Element {
  const { detail } = props;
  const drawn = useMemo(
    () => chartTrials(props.trials, detail.top_trials),
    [props.trials, detail.top_trials]
  );
  const sources = useMemo<ICurveSource[]>(
    () => drawn.map(t => ({ label: t.key, series: t.metrics })),
    [drawn]
  );
  const parallel = useMemo(
    () =>
      detail.metric_key
        ? parallelCoordinatesFigure(drawn, detail.metric_key, detail.direction)
        : null,
    [drawn, detail.metric_key, detail.direction]
  );
  const partial = drawn.length < (detail.trials_total ?? drawn.length);
  return (
    <>
      <h3>Metric curves</h3>
      {partial && (
        <p className="hopsml-ChartNote">
          The trials of this page and the {detail.top_trials?.length ?? 0} best others
          {detail.metric_key ? ` by ${detail.metric_key}` : ''}.
        </p>
      )}
      <MetricCurves
        sources={sources}
        preferred={detail.metric_key}
        empty={NO_SERIES}
      />
      {parallel && (
        <>
          <h3>Hyperparameters</h3>
          <Plot figure={parallel} label="parallel coordinates" />
        </>
      )}
    </>
  );
}

function Failures(props: { trials: readonly TrialRecord[] }): JSX.Element {
  return (
    <>
      {props.trials
        .filter(t => t.error)
        .map(t => (
          <details key={t.key} className="hopsml-Failure">
            <summary>{t.key} failed</summary>
            <pre>{t.error}</pre>
          </details>
        ))}
    </>
  );
}

function Actions(props: {
  detail: ExperimentDetail;
  onTensorBoard: OpenTensorBoard;
}): JSX.Element {
  const { detail } = props;
  return (
    <div className="hopsml-Actions">
      <button
        className="jp-Button jp-mod-styled hopsml-TensorBoardButton"
        title="Open TensorBoard with every trial of this experiment"
        onClick={() => props.onTensorBoard([detail.id], detail.name)}
      >
        TensorBoard
      </button>
    </div>
  );
}

export function ExperimentView(props: {
  model: ExperimentDetailModel;
  onReproduce: Reproduce;
  onTensorBoard: OpenTensorBoard;
  onOpenFile?: OpenFile;
}): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const detail = model.detail;
  if (model.error && !detail) {
    return <div className="hopsml-Error">{model.error}</div>;
  }
  if (!detail) {
    return <div className="hopsml-Loading">Loading experiment {model.id}…</div>;
  }
  return (
    <div className="hopsml-ExperimentDetail" data-experiment-id={detail.id}>
      <h1>{detail.name}</h1>
      {detail.description && <p>{detail.description}</p>}
      {model.error && <div className="hopsml-Error">{model.error}</div>}
      <Actions detail={detail} onTensorBoard={props.onTensorBoard} />
      <Summary detail={detail} />
      <h3>Trials</h3>
      <Trials
        model={model}
        detail={detail}
        onReproduce={props.onReproduce}
        onOpenFile={props.onOpenFile}
      />
      <Charts detail={detail} trials={model.trials} />
      <Failures trials={model.trials} />
    </div>
  );
}
