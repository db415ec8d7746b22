/** Main-area view of one experiment: summary, trials with params and metrics. */
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import { ExperimentDetail, TrialRecord } from '../api';
import { ExperimentDetailModel } from '../model';
import { formatDuration, formatTime, formatValue } from './format';
import { useSignal } from './hooks';

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

function Trials(props: { trials: readonly TrialRecord[]; best: string | null }): JSX.Element {
  const { trials } = props;
  const params = columns(trials, t => t.params);
  const results = columns(trials, t => t.results);
  return (
    <table className="hopsml-Table hopsml-Trials">
      <thead>
        <tr>
          <th>Trial</th>
          <th>Status</th>
          {params.map(p => (
            <th key={`p-${p}`} className="hopsml-Param">
              {p}
            </th>
          ))}
          {results.map(r => (
            <th key={`r-${r}`} className="hopsml-Result">
              {r}
            </th>
          ))}
          <th>Duration</th>
        </tr>
      </thead>
      <tbody>
        {trials.map(t => (
          <tr key={t.key} className={t.key === props.best ? 'hopsml-Best' : ''}>
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
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Series(props: { trials: readonly TrialRecord[] }): JSX.Element | null {
  const rows = props.trials.flatMap(t =>
    t.metrics.map(m => ({ trial: t.key, series: m }))
  );
  if (rows.length === 0) {
    return null;
  }
  return (
    <>
      <h3>Metric series</h3>
      <table className="hopsml-Table">
        <thead>
          <tr>
            <th>Trial</th>
            <th>Metric</th>
            <th>Points</th>
            <th>Last</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ trial, series }) => (
            <tr key={`${trial}-${series.name}`}>
              <td>{trial}</td>
              <td>{series.name}</td>
              <td>{series.steps.length}</td>
              <td>{formatValue(series.values[series.values.length - 1])}</td>
            </tr>
          ))}
        </tbody>
      </table>
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

function ExperimentView(props: { model: ExperimentDetailModel }): JSX.Element {
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
      <Summary detail={detail} />
      <h3>Trials</h3>
      <Trials trials={detail.trials} best={detail.best_trial} />
      <Series trials={detail.trials} />
      <Failures trials={detail.trials} />
    </div>
  );
}

export class ExperimentDetailWidget extends ReactWidget {
  constructor(readonly model: ExperimentDetailModel) {
    super();
    this.addClass('hopsml-DetailPanel');
    this.id = `hopsml-experiment-${model.id}`;
    this.title.label = `Experiment ${model.id}`;
    this.title.closable = true;
    model.changed.connect(this.updateTitle, this);
  }

  render(): JSX.Element {
    return <ExperimentView model={this.model} />;
  }

  private updateTitle(): void {
    const detail = this.model.detail;
    if (detail) {
      this.title.label = `${detail.name} · ${detail.id.slice(-6)}`;
      this.title.caption = `Experiment ${detail.name} (${detail.id})`;
    }
  }
}
