import {
  bestMetricFigure,
  curveFigure,
  defaultMetric,
  parallelCoordinatesFigure,
  plotlyText,
  seriesNames,
  themedData,
  themedLayout
} from '../charts';
import { series, summary, trial } from '../../__tests__/fakes';

const loss = (values: number[]) => series('loss', values);

describe('metric curves', () => {
  const sources = [
    { label: 'trial_0', series: [loss([0.9, 0.5]), series('acc', [0.1])] },
    { label: 'trial_1', series: [loss([0.8, 0.3, 0.2])] },
    { label: 'trial_2', series: [] }
  ];

  it('lists every recorded series once, in first-seen order', () => {
    expect(seriesNames(sources)).toEqual(['loss', 'acc']);
  });

  it("prefers the experiment's metric when it was recorded", () => {
    expect(defaultMetric(['loss', 'acc'], 'acc')).toBe('acc');
    expect(defaultMetric(['loss', 'acc'], 'f1')).toBe('loss');
    expect(defaultMetric([], 'acc')).toBeNull();
  });

  it('draws one line per source that has the metric, named by the source', () => {
    const figure = curveFigure(sources, 'loss');
    expect(figure.data).toHaveLength(2);
    expect(figure.data[0]).toMatchObject({
      type: 'scatter',
      name: 'trial_0',
      x: [0, 1],
      y: [0.9, 0.5]
    });
    expect(figure.data[1]).toMatchObject({ name: 'trial_1', y: [0.8, 0.3, 0.2] });
    expect(figure.layout.yaxis?.title).toEqual({ text: 'loss' });
  });
});

describe('parallel coordinates', () => {
  it('has numeric axes for numbers, ticks for categories, and the metric last', () => {
    const figure = parallelCoordinatesFigure(
      [
        trial('t0', { lr: 0.1, opt: 'sgd', deep: true }, 0.7),
        trial('t1', { lr: 0.01, opt: 'adam', deep: false }, 0.9),
        trial('t2', { lr: 0.5, opt: 'adam' }, null) // not scored: left out
      ],
      'accuracy',
      'MAX'
    );
    expect(figure).not.toBeNull();
    const trace = figure?.data[0] as { type: string; dimensions: object[]; line: object };
    expect(trace.type).toBe('parcoords');
    expect(trace.dimensions).toEqual([
      { label: 'deep', values: [1, 0], tickvals: [0, 1], ticktext: ['false', 'true'] },
      { label: 'lr', values: [0.1, 0.01] },
      { label: 'opt', values: [1, 0], tickvals: [0, 1], ticktext: ['adam', 'sgd'] },
      { label: 'accuracy', values: [0.7, 0.9] }
    ]);
    expect(trace.line).toMatchObject({ color: [0.7, 0.9], reversescale: false });
  });

  it('reverses the colour scale when smaller is better', () => {
    const figure = parallelCoordinatesFigure(
      [trial('a', { lr: 1 }, 0.3), trial('b', { lr: 2 }, 0.2)],
      'loss',
      'MIN'
    );
    expect((figure?.data[0] as { line: { reversescale: boolean } }).line.reversescale).toBe(
      true
    );
  });

  it('marks a parameter a trial lacks, and needs two scored trials with params', () => {
    const figure = parallelCoordinatesFigure(
      [trial('a', { lr: 1, opt: 'sgd' }, 0.3), trial('b', { lr: 2 }, 0.2)],
      'loss',
      'MIN'
    );
    const dims = (figure?.data[0] as { dimensions: { ticktext?: string[] }[] }).dimensions;
    expect(dims[1].ticktext).toEqual(['sgd', '—']);
    expect(parallelCoordinatesFigure([trial('a', { lr: 1 }, 0.3)], 'loss', 'MIN')).toBeNull();
    expect(
      parallelCoordinatesFigure([trial('a', {}, 0.3), trial('b', {}, 0.4)], 'loss', 'MIN')
    ).toBeNull();
  });
});

describe('best metric per experiment', () => {
  it('has a bar per scored experiment', () => {
    const figure = bestMetricFigure([
      summary('e-000001', { name: 'a', metric_key: 'accuracy', metric_value: 0.8 }),
      summary('e-000002', { name: 'b', metric_key: 'accuracy', metric_value: null }),
      summary('e-000003', { name: 'c', metric_key: 'accuracy', metric_value: 0.9 })
    ]);
    expect(figure?.data[0]).toMatchObject({
      type: 'bar',
      x: ['a · 000001', 'c · 000003'],
      y: [0.8, 0.9]
    });
    expect(bestMetricFigure([summary('x')])).toBeNull();
  });
});

describe('themedLayout', () => {
  const theme = {
    background: '#111',
    foreground: '#eee',
    grid: '#333',
    fontFamily: 'sans',
    fontSize: 13,
    colorway: ['#a00', '#0a0'],
    scale: ['#f00', '#ff0', '#0f0']
  };

  it("takes colours and font from the theme and keeps the figure's own settings", () => {
    const layout = themedLayout({ height: 300, xaxis: { title: { text: 'step' } } }, theme);
    expect(layout).toMatchObject({
      height: 300,
      autosize: true,
      paper_bgcolor: '#111',
      plot_bgcolor: '#111',
      font: { color: '#eee', family: 'sans', size: 13 },
      colorway: ['#a00', '#0a0'],
      xaxis: { title: { text: 'step' }, gridcolor: '#333' }
    });
    expect(layout.colorscale?.sequential).toEqual([
      [0, '#f00'],
      [0.5, '#ff0'],
      [1, '#0f0']
    ]);
  });

  it("gives parallel coordinates the theme's scale on their first draw", () => {
    const figure = parallelCoordinatesFigure(
      [trial('t0', { lr: 0.1 }, 0.5), trial('t1', { lr: 0.2 }, 0.7)],
      'accuracy',
      'MAX'
    );
    if (figure === null) {
      throw new Error('no figure');
    }
    const [trace] = themedData(figure.data, theme) as Array<{ line: Record<string, unknown> }>;
    expect(trace.line).toMatchObject({
      autocolorscale: false,
      colorscale: [
        [0, '#f00'],
        [0.5, '#ff0'],
        [1, '#0f0']
      ]
    });
    expect(themedData(figure.data, { ...theme, scale: [] })).toBe(figure.data);
  });

  it("keeps plotly's defaults where the theme defines nothing", () => {
    const layout = themedLayout(
      { height: 300 },
      { ...theme, background: '', foreground: '', grid: '', colorway: [], scale: [] }
    );
    expect(layout).not.toHaveProperty('paper_bgcolor');
    expect(layout).not.toHaveProperty('colorway');
    expect(layout).not.toHaveProperty('colorscale');
    expect(layout).not.toHaveProperty('xaxis');
  });
});

describe('names are text, not Plotly markup', () => {
  // Plotly draws <b>, <a href>, <br>... of titles, legends, ticks, hovers and labels.
  const NAME = '<b>x</b><a href="javascript:alert(1)">y</a>';
  const SAFE = '&lt;b&gt;x&lt;/b&gt;&lt;a href=&#34;javascript:alert(1)&#34;&gt;y&lt;/a&gt;';
  const METRIC = "<img src=x onerror='alert(1)'>";
  const SAFE_METRIC = '&lt;img src=x onerror=&#39;alert(1)&#39;&gt;';

  it('escapes with the entities Plotly decodes, once', () => {
    expect(plotlyText(NAME)).toBe(SAFE);
    expect(plotlyText(METRIC)).toBe(SAFE_METRIC);
    expect(plotlyText('a & b')).toBe('a &amp; b');
    expect(plotlyText('&lt;')).toBe('&amp;lt;'); // text that looks escaped stays as typed
    expect(plotlyText('lr=0.1 · é')).toBe('lr=0.1 · é');
  });

  it('escapes the trace names and titles of metric curves', () => {
    const figure = curveFigure(
      [{ label: `${NAME} · trial_0`, series: [series(METRIC, [0.1, 0.2])] }],
      METRIC
    );
    expect(figure.data[0].name).toBe(`${SAFE} · trial_0`);
    expect(figure.layout.title).toEqual({ text: `${SAFE_METRIC} per step` });
    expect(figure.layout.yaxis?.title).toEqual({ text: SAFE_METRIC });
  });

  it('escapes the axis labels of parallel coordinates; ticks are plain text there', () => {
    const figure = parallelCoordinatesFigure(
      [trial('a', { [NAME]: '<b>big</b>' }, 0.3), trial('b', { [NAME]: 'small' }, 0.2)],
      METRIC,
      'MAX'
    );
    const trace = figure?.data[0] as { dimensions: { label: string; ticktext?: string[] }[] };
    expect(trace.dimensions.map(d => d.label)).toEqual([SAFE, SAFE_METRIC]);
    // Plotly writes parcoords tick labels with textContent: escaped they would read &lt;
    expect(trace.dimensions[0].ticktext).toEqual(['<b>big</b>', 'small']);
    expect(figure?.layout.title).toEqual({ text: `hyperparameters against ${SAFE_METRIC}` });
  });

  it('escapes the categories, hover text and titles of the best-metric bars', () => {
    const figure = bestMetricFigure([
      summary('e-000001', { name: NAME, metric_key: METRIC, metric_value: 0.8 })
    ]);
    expect(figure?.data[0]).toMatchObject({ x: [`${SAFE} · 000001`], text: [SAFE_METRIC] });
    expect(figure?.layout.title).toEqual({ text: `best ${SAFE_METRIC} per experiment` });
    expect(figure?.layout.yaxis?.title).toEqual({ text: SAFE_METRIC });
  });
});
