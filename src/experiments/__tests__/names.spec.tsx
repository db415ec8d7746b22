/** @jest-environment ./jest-env-jsdom.js */
/**
 * Names are text everywhere: an experiment, trial, metric or parameter named with
 * HTML reaches plotly escaped (plotly draws a subset of HTML) and the page as text.
 */
import { act, render } from '@testing-library/react';
import React from 'react';

import { FakeRequester, detail, jsonResponse, series, trial } from '../../__tests__/fakes';
import { HopsMLClient } from '../../api';
import { ComparisonView } from '../Compare';
import { ComparisonModel } from '../comparison';
import { ExperimentView } from '../ExperimentDetail';
import { ExperimentDetailModel } from '../model';

// plotly.js draws with SVG and WebGL that jsdom lacks; the figures are checked as data.
const plotly = {
  react: jest.fn((..._args: unknown[]) => Promise.resolve()),
  purge: jest.fn(),
  Plots: { resize: jest.fn() }
};
jest.mock('plotly.js-dist-min', () => ({ __esModule: true, default: plotly }));

const NAME = '<b>x</b><a href="javascript:alert(1)">y</a>';
const SAFE = '&lt;b&gt;x&lt;/b&gt;&lt;a href=&#34;javascript:alert(1)&#34;&gt;y&lt;/a&gt;';
const METRIC = '<img src=x onerror=alert(1)>';
const SAFE_METRIC = '&lt;img src=x onerror=alert(1)&gt;';
const KEY = '<i>trial</i>';
const SAFE_KEY = '&lt;i&gt;trial&lt;/i&gt;';
const PARAM = '<sup>lr</sup>';

interface IDrawn {
  data: { type?: string; name?: string; x?: string[]; dimensions?: { label: string }[] }[];
  layout: { title?: { text?: string } };
}

function drawn(): Map<string, IDrawn> {
  const figures = new Map<string, IDrawn>();
  for (const [, data, layout] of plotly.react.mock.calls) {
    const figure = { data, layout } as IDrawn;
    figures.set(figure.layout.title?.text ?? '', figure);
  }
  return figures;
}

/**
 * Every string plotly was given where it draws markup, with where it was: all but
 * our own hover templates and the parallel-coordinates ticks (plain text in plotly).
 */
function markupStrings(value: unknown, path = ''): string[] {
  if (typeof value === 'string') {
    return [`${path}: ${value}`];
  }
  if (value === null || typeof value !== 'object') {
    return [];
  }
  return Object.entries(value as Record<string, unknown>)
    .filter(([key]) => key !== 'hovertemplate' && key !== 'ticktext')
    .flatMap(([key, inner]) => markupStrings(inner, `${path}.${key}`));
}

async function settle(): Promise<void> {
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 0));
  });
}

const hostile = detail('20261125-101010-abcdef', {
  name: NAME,
  kind: 'grid_search',
  metric_key: METRIC,
  direction: 'MAX',
  metric_value: 0.9,
  best_trial: KEY,
  trials: [
    trial(KEY, { [PARAM]: 0.1, opt: '<b>sgd</b>' }, 0.9, {
      metrics: [series(METRIC, [1, 2])]
    }),
    trial('trial_1', { [PARAM]: 0.2, opt: 'adam' }, 0.5, { metrics: [series(METRIC, [3])] })
  ]
});

beforeEach(() => plotly.react.mockClear());

it('the comparison draws hostile names escaped for plotly and as text in the page', async () => {
  const other = detail('20261125-111111-123456', {
    name: 'plain',
    metric_key: METRIC,
    metric_value: 0.8,
    best_trial: 'trial_0',
    trials: [trial('trial_0', { [PARAM]: 0.3 }, 0.8, { metrics: [series(METRIC, [4])] })]
  });
  const requester = new FakeRequester()
    .reply(() => jsonResponse(hostile))
    .reply(() => jsonResponse(other));
  const client = new HopsMLClient(requester.request);
  const model = new ComparisonModel(client, [hostile.id, other.id]);
  await model.refresh();
  const view = render(<ComparisonView model={model} />);
  await settle();

  const curves = drawn().get(`${SAFE_METRIC} per step`);
  expect(curves?.data.map(d => d.name)).toEqual([
    `${SAFE} · abcdef · ${SAFE_KEY}`,
    'plain · 123456 · trial_0'
  ]);
  const bars = drawn().get(`best ${SAFE_METRIC} per experiment`);
  expect(bars?.data[0].x).toEqual([`${SAFE} · abcdef`, 'plain · 123456']);
  for (const [, data, layout] of plotly.react.mock.calls) {
    expect(markupStrings({ data, layout }).filter(s => /[<>"']/.test(s))).toEqual([]);
  }

  // The page shows the names as they are, as text.
  const head = view.container.querySelectorAll('table.hopsml-CompareTable thead th');
  expect(head[1].textContent).toBe(NAME);
  expect(view.container.querySelector('.hopsml-Compare b, .hopsml-Compare a')).toBeNull();
  expect(view.container.querySelector('.hopsml-Compare img, .hopsml-Compare i')).toBeNull();
});

it("an experiment's own charts draw hostile names escaped for plotly", async () => {
  const requester = new FakeRequester().reply(() => jsonResponse(hostile));
  const model = new ExperimentDetailModel(new HopsMLClient(requester.request), hostile.id);
  await model.refresh();
  render(
    <ExperimentView
      model={model}
      onReproduce={() => Promise.resolve()}
      onTensorBoard={jest.fn()}
    />
  );
  await settle();

  const figures = drawn();
  expect(figures.get(`${SAFE_METRIC} per step`)?.data.map(d => d.name)).toEqual([
    SAFE_KEY,
    'trial_1'
  ]);
  const parallel = figures.get(`hyperparameters against ${SAFE_METRIC}`);
  expect(parallel?.data[0].dimensions?.map(d => d.label)).toEqual([
    '&lt;sup&gt;lr&lt;/sup&gt;',
    'opt',
    SAFE_METRIC
  ]);
  for (const [, data, layout] of plotly.react.mock.calls) {
    expect(markupStrings({ data, layout }).filter(s => /[<>"']/.test(s))).toEqual([]);
  }
});
