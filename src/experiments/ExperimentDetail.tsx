/** Main-area view of one experiment: summary, 'TensorBoard', sortable trials with
 * 'Reproduce', metric curves per trial and parallel coordinates of hyperparameters. */
import React, { useMemo, useState } from 'react';

import { ExperimentDetail, TrialRecord } from '../api';
import { ICurveSource, parallelCoordinatesFigure } from '../shared/charts';
import { OpenTensorBoard } from '../shared/commands';
import { formatDuration, formatTime, formatValue } from '../shared/format';
import { useSignal } from '../shared/hooks';
import { Plot } from '../shared/Plot';
import { MetricCurves } from './MetricCurves';
import { ExperimentDetailModel } from './model';
import { ITrialSort, defaultTrialSort, nextSort, sortTrials } from './trials';

/** Write the reproduction notebook of a trial and open it. */
export type Reproduce = (trial: string) => Promise<unknown>;

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
    ['Notebook', d.notebook ?? '']
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

function Trials(props: { detail: ExperimentDetail; onReproduce: Reproduce }): JSX.Element {
  const { detail } = props;
  const [chosen, setSort] = useState<ITrialSort | null>(null);
  const initial = useMemo(() => defaultTrialSort(detail), [detail]);
  const sort = chosen ?? initial;
  const trials = useMemo(() => sortTrials(detail.trials, sort), [detail.trials, sort]);
  const params = columns(detail.trials, t => t.params);
  const results = columns(detail.trials, t => t.results);
  const header = { sort, onSort: (column: string) => setSort(nextSort(sort, column)) };
  return (
    <table className="hopsml-Table hopsml-Trials">
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
              <td key={`r-${r}`}>{formatValue(t.results[r])}</td>
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
  );
}

const NO_SERIES =
  'No metric series yet: report them from the train function with ' +
  'tracking.log_metric(name, value, step).';

function Charts(props: { detail: ExperimentDetail }): JSX.Element {
  const { detail } = props;
  const sources = useMemo<ICurveSource[]>(
    () => detail.trials.map(t => ({ label: t.key, series: t.metrics })),
    [detail.trials]
  );
  const parallel = useMemo(
    () =>
      detail.metric_key
        ? parallelCoordinatesFigure(detail.trials, detail.metric_key, detail.direction)
        : null,
    [detail.trials, detail.metric_key, detail.direction]
  );
  return (
    <>
      <h3>Metric curves</h3>
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
      <Trials detail={detail} onReproduce={props.onReproduce} />
      <Charts detail={detail} />
      <Failures trials={detail.trials} />
    </div>
  );
}
