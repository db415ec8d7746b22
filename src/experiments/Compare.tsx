/** Main-area comparison of two or more experiments: one column each (facts and the
 * best trial's hyperparameters), overlaid metric curves of the best trials, and the
 * best metric of each. */
import React, { useMemo } from 'react';

import { ExperimentDetail } from '../api';
import { ICurveSource, bestMetricFigure } from '../shared/charts';
import { formatDuration, formatTime, formatValue } from '../shared/format';
import { useSignal } from '../shared/hooks';
import { Plot } from '../shared/Plot';
import { ComparisonModel, bestTrial, paramUnion } from './comparison';
import { MetricCurves } from './MetricCurves';

function bestMetric(e: ExperimentDetail): string {
  return e.metric_value === null
    ? ''
    : `${e.metric_key ?? 'metric'} ${formatValue(e.metric_value)}`;
}

const FACTS: [string, (e: ExperimentDetail) => string][] = [
  ['Kind', e => e.kind],
  ['Status', e => e.status],
  ['User', e => e.user],
  ['Best metric', e => bestMetric(e)],
  ['Best trial', e => e.best_trial ?? ''],
  ['Trials', e => String(e.trial_count)],
  ['Duration', e => formatDuration(e.duration_s)],
  ['Created', e => formatTime(e.created_at)]
];

export function experimentLabel(e: ExperimentDetail): string {
  return `${e.name} · ${e.id.slice(-6)}`;
}

function ComparisonTable(props: { experiments: readonly ExperimentDetail[] }): JSX.Element {
  const { experiments } = props;
  const params = paramUnion(experiments);
  return (
    <table className="hopsml-Table hopsml-CompareTable">
      <thead>
        <tr>
          <th>Experiment</th>
          {experiments.map(e => (
            <th key={e.id} data-experiment-id={e.id} title={e.id}>
              {e.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {FACTS.map(([label, value]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            {experiments.map(e => (
              <td key={e.id}>{value(e)}</td>
            ))}
          </tr>
        ))}
        {params.length > 0 && (
          <tr className="hopsml-CompareTable-section">
            <th scope="rowgroup" colSpan={experiments.length + 1}>
              Hyperparameters of the best trial
            </th>
          </tr>
        )}
        {params.map(name => (
          <tr key={`param-${name}`} className="hopsml-Param">
            <th scope="row">{name}</th>
            {experiments.map(e => (
              <td key={e.id}>{formatValue(bestTrial(e)?.params[name])}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ComparisonView(props: { model: ComparisonModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const { experiments } = model;
  const sources = useMemo<ICurveSource[]>(
    () =>
      experiments.map(e => ({
        label: `${experimentLabel(e)} · ${e.best_trial ?? 'no best trial'}`,
        series: bestTrial(e)?.metrics ?? []
      })),
    [experiments]
  );
  const bars = useMemo(() => bestMetricFigure(experiments), [experiments]);
  if (experiments.length === 0) {
    return (
      <div className="hopsml-Compare">
        {model.errors.map(error => (
          <div key={error} className="hopsml-Error">
            {error}
          </div>
        ))}
        {model.loading && <div className="hopsml-Loading">Loading experiments…</div>}
      </div>
    );
  }
  return (
    <div className="hopsml-Compare" data-experiment-ids={model.ids.join(' ')}>
      <h1>Comparing {experiments.length} experiments</h1>
      {model.errors.map(error => (
        <div key={error} className="hopsml-Error">
          {error}
        </div>
      ))}
      <ComparisonTable experiments={experiments} />
      <h3>Metric curves of the best trials</h3>
      <MetricCurves
        sources={sources}
        preferred={experiments[0].metric_key}
        empty="The best trials recorded no metric series (tracking.log_metric)."
      />
      {bars && (
        <>
          <h3>Best metric</h3>
          <Plot figure={bars} label="best metric per experiment" />
        </>
      )}
    </div>
  );
}
