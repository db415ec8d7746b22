/** Metric curves of several trials in one chart, with a choice of metric; shared by
 * the experiment detail (its trials) and the comparison (each experiment's best). */
import React, { useMemo, useState } from 'react';

import { ICurveSource, curveFigure, defaultMetric, seriesNames } from '../shared/charts';
import { Plot } from '../shared/Plot';

export function MetricCurves(props: {
  sources: readonly ICurveSource[];
  preferred: string | null;
  empty: string;
}): JSX.Element {
  const { sources } = props;
  const names = useMemo(() => seriesNames(sources), [sources]);
  const [chosen, setChosen] = useState<string | null>(null);
  const metric =
    chosen && names.includes(chosen) ? chosen : defaultMetric(names, props.preferred);
  const figure = useMemo(
    () => (metric ? curveFigure(sources, metric) : null),
    [sources, metric]
  );
  if (!figure || !metric) {
    return <p className="hopsml-Empty">{props.empty}</p>;
  }
  return (
    <div className="hopsml-MetricCurves">
      {names.length > 1 && (
        <label className="hopsml-MetricCurves-choice">
          Metric{' '}
          <select
            className="jp-mod-styled"
            value={metric}
            onChange={event => setChosen(event.target.value)}
          >
            {names.map(name => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
      )}
      <Plot figure={figure} label={`metric curves: ${metric}`} />
    </div>
  );
}
