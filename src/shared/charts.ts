/**
 * Plotly figures of experiments, as plain data (no plotly.js needed to build them):
 * metric curves, parallel coordinates of hyperparameters, best metric per experiment.
 * Colours come from the JupyterLab theme when a figure is drawn (see Plot.tsx).
 */
import type { Data, Layout } from 'plotly.js-dist-min';

import type { ExperimentSummary, MetricSeries, TrialRecord } from '../api';

export interface IFigure {
  data: Data[];
  layout: Partial<Layout>;
}

/**
 * `text` as Plotly draws it, not as markup. Plotly draws a subset of HTML (`<b>`,
 * `<a href>`, `<br>`...) in titles, axis titles, legend names, category ticks, hover
 * labels and parallel-coordinates labels; every name the user gave (experiments,
 * trials, metrics, parameters) goes through here on its way into a figure, once.
 * Quotes become numeric entities: Plotly decodes those, not `&quot;`.
 */
export function plotlyText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');
}

/** One line per source: a trial's series, labelled by trial (or by experiment). */
export interface ICurveSource {
  /** Plain text; the figure escapes it. */
  label: string;
  series: readonly MetricSeries[];
}

/** Names of every series the sources recorded, in first-seen order. */
export function seriesNames(sources: readonly ICurveSource[]): string[] {
  const names = new Set<string>();
  sources.forEach(s => s.series.forEach(m => names.add(m.name)));
  return [...names];
}

/** The metric to draw first: the experiment's own if it was recorded as a series. */
export function defaultMetric(
  names: readonly string[],
  preferred: string | null | undefined
): string | null {
  if (preferred && names.includes(preferred)) {
    return preferred;
  }
  return names[0] ?? null;
}

const MARGIN = { l: 56, r: 16, t: 36, b: 44 };

/** The metric against the step, one line per source that recorded it. */
export function curveFigure(sources: readonly ICurveSource[], metric: string): IFigure {
  const data: Data[] = [];
  for (const source of sources) {
    const series = source.series.find(m => m.name === metric);
    if (series && series.steps.length > 0) {
      data.push({
        type: 'scatter',
        mode: series.steps.length < 30 ? 'lines+markers' : 'lines',
        name: plotlyText(source.label),
        x: [...series.steps],
        y: [...series.values]
      });
    }
  }
  return {
    data,
    layout: {
      title: { text: `${plotlyText(metric)} per step` },
      xaxis: { title: { text: 'step' } },
      yaxis: { title: { text: plotlyText(metric) } },
      height: 320,
      margin: MARGIN,
      showlegend: true
    }
  };
}

type Dimension = NonNullable<Extract<Data, { type?: 'parcoords' }>['dimensions']>[number];

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * A numeric axis when every trial has a number, else one tick per distinct value.
 * The tick labels stay as they are: Plotly writes those of parallel coordinates as
 * plain text (escaped, they would read `&lt;`).
 */
function paramDimension(name: string, values: readonly unknown[]): Dimension {
  if (values.every(isNumber)) {
    return { label: plotlyText(name), values: [...values] };
  }
  const text = values.map(v =>
    v === undefined || v === null ? '—' : typeof v === 'string' ? v : JSON.stringify(v)
  );
  const labels = [...new Set(text)].sort();
  return {
    label: plotlyText(name),
    values: text.map(t => labels.indexOf(t)),
    tickvals: labels.map((_, n) => n),
    ticktext: labels
  };
}

/**
 * Hyperparameters against the metric, one line per scored trial, coloured by the
 * metric (better is the top of the colour scale). Null below two scored trials.
 */
export function parallelCoordinatesFigure(
  trials: readonly TrialRecord[],
  metric: string,
  direction: string
): IFigure | null {
  const scored = trials.filter(t => isNumber(t.metric_value));
  const names = [...new Set(scored.flatMap(t => Object.keys(t.params)))].sort();
  if (scored.length < 2 || names.length === 0) {
    return null;
  }
  const metrics = scored.map(t => t.metric_value as number);
  const dimensions = names.map(name =>
    paramDimension(
      name,
      scored.map(t => t.params[name])
    )
  );
  dimensions.push({ label: plotlyText(metric), values: metrics });
  return {
    data: [
      {
        type: 'parcoords',
        line: {
          color: metrics,
          autocolorscale: true, // the theme's scale, from layout.colorscale
          reversescale: direction.toUpperCase() === 'MIN',
          showscale: true
        },
        dimensions
      }
    ],
    layout: {
      title: { text: `hyperparameters against ${plotlyText(metric)}` },
      height: 360,
      margin: { l: 64, r: 64, t: 72, b: 32 }
    }
  };
}

/** One bar per experiment that has a best metric. Null when none has. */
export function bestMetricFigure(experiments: readonly ExperimentSummary[]): IFigure | null {
  const scored = experiments.filter(e => isNumber(e.metric_value));
  if (scored.length === 0) {
    return null;
  }
  const keys = [...new Set(scored.map(e => plotlyText(e.metric_key ?? 'metric')))];
  return {
    data: [
      {
        type: 'bar',
        x: scored.map(e => plotlyText(`${e.name} · ${e.id.slice(-6)}`)),
        y: scored.map(e => e.metric_value as number),
        text: scored.map(e => plotlyText(e.metric_key ?? 'metric')),
        hovertemplate: '%{x}<br>%{text} %{y}<extra></extra>'
      }
    ],
    layout: {
      title: { text: `best ${keys.join(' / ')} per experiment` },
      yaxis: { title: { text: keys.join(' / ') } },
      height: 300,
      margin: MARGIN
    }
  };
}

/** The colours and font of the JupyterLab theme a figure is drawn in. */
export interface IChartTheme {
  background: string;
  foreground: string;
  grid: string;
  fontFamily: string;
  fontSize: number;
  colorway: string[];
  scale: string[];
}

const COLORWAY = [
  '--jp-brand-color1',
  '--jp-warn-color1',
  '--jp-success-color1',
  '--jp-error-color1',
  '--jp-accent-color1',
  '--jp-info-color1',
  '--jp-brand-color3',
  '--jp-warn-color3',
  '--jp-success-color3',
  '--jp-error-color3'
];
const SCALE = ['--jp-error-color1', '--jp-warn-color1', '--jp-success-color1'];

/** Read the theme's CSS variables where the figure is drawn. */
export function readTheme(element: Element): IChartTheme {
  const style = getComputedStyle(element);
  const css = (name: string) => style.getPropertyValue(name).trim();
  return {
    background: css('--jp-layout-color1'),
    foreground: css('--jp-ui-font-color1'),
    grid: css('--jp-border-color2'),
    fontFamily: css('--jp-ui-font-family'),
    fontSize: parseFloat(css('--jp-ui-font-size1')) || 12,
    colorway: COLORWAY.map(css).filter(Boolean),
    scale: SCALE.map(css).filter(Boolean)
  };
}

/** The theme's colour scale as plotly takes it; null when the theme defines none. */
function themeScale(theme: IChartTheme): Array<[number, string]> | null {
  if (theme.scale.length < 2) {
    return null;
  }
  const last = theme.scale.length - 1;
  return theme.scale.map((colour, n): [number, string] => [n / last, colour]);
}

/**
 * The traces with the theme's colour scale set on each line that asks for it
 * (`autocolorscale`): parallel coordinates do not read layout.colorscale on their first
 * draw, only after a redraw.
 */
export function themedData(data: IFigure['data'], theme: IChartTheme): IFigure['data'] {
  const scale = themeScale(theme);
  if (scale === null) {
    return data;
  }
  return data.map(trace => {
    const line = (trace as { line?: Record<string, unknown> }).line;
    if (!line || line.autocolorscale !== true) {
      return trace;
    }
    return { ...trace, line: { ...line, autocolorscale: false, colorscale: scale } };
  }) as IFigure['data'];
}

/** The figure's layout in the theme's colours; empty variables keep plotly's defaults. */
export function themedLayout(layout: Partial<Layout>, theme: IChartTheme): Partial<Layout> {
  const themed: Partial<Layout> = { ...layout, autosize: true };
  themed.font = {
    ...(theme.foreground ? { color: theme.foreground } : {}),
    ...(theme.fontFamily ? { family: theme.fontFamily } : {}),
    size: theme.fontSize
  };
  if (theme.background) {
    themed.paper_bgcolor = theme.background;
    themed.plot_bgcolor = theme.background;
  }
  if (theme.colorway.length > 0) {
    themed.colorway = theme.colorway;
  }
  const scale = themeScale(theme);
  if (scale !== null) {
    themed.colorscale = { sequential: scale, sequentialminus: scale, diverging: scale };
  }
  if (theme.grid) {
    for (const axis of ['xaxis', 'yaxis'] as const) {
      themed[axis] = { ...layout[axis], gridcolor: theme.grid, zerolinecolor: theme.grid };
    }
  }
  return themed;
}
