/** @jest-environment ./jest-env-jsdom.js */
import { act, fireEvent, render } from '@testing-library/react';
import React from 'react';

import { FakeRequester, detail, jsonResponse, series, trial } from '../../__tests__/fakes';
import { HopsMLClient } from '../../api';
import { ComparisonView } from '../Compare';
import { ComparisonModel } from '../comparison';
import { ExperimentView } from '../ExperimentDetail';
import { DetailClient, ExperimentDetailModel } from '../model';

// plotly.js draws with SVG and WebGL that jsdom lacks; the figures are checked as data.
const plotly = {
  react: jest.fn((..._args: unknown[]) => Promise.resolve()),
  purge: jest.fn(),
  Plots: { resize: jest.fn() }
};
jest.mock('plotly.js-dist-min', () => ({ __esModule: true, default: plotly }));

interface IDrawn {
  data: { type?: string; name?: string; dimensions?: unknown[] }[];
  layout: { title?: { text?: string } };
}

/** What plotly was asked to draw, by chart title. */
function drawn(): Map<string, IDrawn> {
  const figures = new Map<string, IDrawn>();
  for (const [, data, layout] of plotly.react.mock.calls) {
    const figure = { data, layout } as IDrawn;
    figures.set(figure.layout.title?.text ?? '', figure);
  }
  return figures;
}

async function settle(): Promise<void> {
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 0));
  });
}

const search = detail('20261125-101010-abcdef', {
  name: 'churn',
  kind: 'grid_search',
  metric_key: 'accuracy',
  direction: 'MAX',
  metric_value: 0.9,
  best_trial: 'trial_1',
  notebook: '/home/ada/churn.ipynb',
  // the first page, best first, as the server sorts it
  trials: [
    trial('trial_1', { lr: 0.01, opt: 'adam' }, 0.9, {
      metrics: [series('accuracy', [0.4, 0.9]), series('loss', [0.7, 0.1])]
    }),
    trial('trial_2', { lr: 0.5, opt: 'adam' }, 0.7),
    trial('trial_0', { lr: 0.1, opt: 'sgd' }, 0.5, { metrics: [series('accuracy', [0.2, 0.5])] })
  ],
  trials_total: 3,
  next_token: null,
  sort: '-metric',
  top_trials: []
});

describe('ExperimentView', () => {
  let requester: FakeRequester;
  let model: ExperimentDetailModel;

  beforeEach(async () => {
    requester = new FakeRequester();
    model = new ExperimentDetailModel(new DetailClient(requester.request), search.id);
    requester.reply(() => jsonResponse(search));
    await model.refresh();
  });

  function shown(
    onReproduce = jest.fn(() => Promise.resolve()),
    onTensorBoard = jest.fn(),
    onOpenFile = jest.fn()
  ) {
    const view = render(
      <ExperimentView
        model={model}
        onReproduce={onReproduce}
        onTensorBoard={onTensorBoard}
        onOpenFile={onOpenFile}
      />
    );
    const rowKeys = () =>
      [...view.container.querySelectorAll('table.hopsml-Trials tbody tr')].map(r =>
        r.getAttribute('data-trial')
      );
    return { view, rowKeys, onReproduce };
  }

  it("opens the experiment's TensorBoard, named after it", () => {
    const onTensorBoard = jest.fn();
    const { view } = shown(undefined, onTensorBoard);
    const button = view.container.querySelector(
      '.hopsml-ExperimentDetail .hopsml-TensorBoardButton'
    ) as HTMLButtonElement;
    expect(button.textContent).toBe('TensorBoard');
    fireEvent.click(button);
    expect(onTensorBoard).toHaveBeenCalledWith([search.id], 'churn');
  });

  it('lists the trials in the order the server sorted them', () => {
    const { view, rowKeys } = shown();
    expect(rowKeys()).toEqual(['trial_1', 'trial_2', 'trial_0']);
    const accuracy = view.getByRole('button', { name: 'accuracy' });
    expect(accuracy.closest('th')?.getAttribute('aria-sort')).toBe('descending');
    expect(view.container.querySelector('.hopsml-Pager')).toBeNull(); // one page
  });

  it('asks the server for a clicked column, and shows the order it answers', async () => {
    const { view, rowKeys } = shown();
    const [t1, t2, t0] = search.trials;
    const answer = (trials: typeof search.trials, sort: string) =>
      jsonResponse({ trials, total: 3, next_token: null, sort });
    requester
      .reply(() => answer([t1, t0, t2], 'param:lr'))
      .reply(() => answer([t2, t0, t1], '-param:lr'))
      .reply(() => answer([t1, t2, t0], '-metric'));
    const lr = view.getByRole('button', { name: 'lr' });
    await act(async () => fireEvent.click(lr));
    expect(requester.calls[1].path).toMatch(/\/experiments\/20261125-101010-abcdef\/trials\?/);
    expect(requester.query(1)).toEqual({ sort: 'param:lr', limit: '50' });
    expect(rowKeys()).toEqual(['trial_1', 'trial_0', 'trial_2']);
    expect(lr.closest('th')?.getAttribute('aria-sort')).toBe('ascending');

    await act(async () => fireEvent.click(lr));
    expect(requester.query(2).sort).toBe('-param:lr');
    expect(rowKeys()).toEqual(['trial_2', 'trial_0', 'trial_1']);
    expect(lr.closest('th')?.getAttribute('aria-sort')).toBe('descending');

    // the experiment's metric column sorts by the catalog's metric, best first
    const accuracy = view.getByRole('button', { name: 'accuracy' });
    await act(async () => fireEvent.click(accuracy));
    expect(requester.query(3).sort).toBe('-metric');
    expect(rowKeys()).toEqual(['trial_1', 'trial_2', 'trial_0']);
    expect(accuracy.closest('th')?.getAttribute('aria-sort')).toBe('descending');
  });

  it('turns the pages of a large experiment', async () => {
    requester.reply(() =>
      jsonResponse({ ...search, trials_total: 10_000, next_token: 'tok-2' })
    );
    await model.refresh();
    const { view, rowKeys } = shown();
    const range = () => view.container.querySelector('.hopsml-Pager-range')?.textContent;
    const next = () => view.getAllByRole('button', { name: 'Next' })[0] as HTMLButtonElement;
    const previous = () =>
      view.getAllByRole('button', { name: 'Previous' })[0] as HTMLButtonElement;
    expect(range()).toBe(`Trials 1–3 of ${(10_000).toLocaleString()}`);
    expect(previous().disabled).toBe(true);

    const held = requester.hold();
    await act(async () => fireEvent.click(next()));
    expect(next().disabled).toBe(true); // while the page loads
    expect(requester.query(2)).toEqual({ sort: '-metric', next_token: 'tok-2', limit: '50' });
    await act(async () => {
      held.resolve(
        jsonResponse({
          trials: [trial('trial_7', { lr: 0.2 }, 0.4)],
          total: 10_000,
          next_token: 'tok-3',
          sort: '-metric'
        })
      );
    });
    expect(rowKeys()).toEqual(['trial_7']);
    expect(range()).toBe(`Trials 51–51 of ${(10_000).toLocaleString()}`);
    expect(previous().disabled).toBe(false);
  });

  it('links a result too large for the catalog to its file', async () => {
    const marker = {
      truncated: true,
      size: 20 * 1024 * 1024,
      file: '/p/Experiments/e/trial_1/results.json',
      path: 'Experiments/e/trial_1/results.json',
      preview: 'xxxx'
    };
    const big = { ...search.trials[0], results: { accuracy: 0.9, log: marker } };
    requester.reply(() => jsonResponse({ ...search, trials: [big] }));
    await model.refresh();
    const onOpenFile = jest.fn();
    const { view } = shown(undefined, undefined, onOpenFile);
    const cell = view.container.querySelector('.hopsml-Truncated') as HTMLElement;
    expect(cell.textContent).toBe('20.0 MB in results.json');
    expect(cell.title).toContain(marker.file);
    fireEvent.click(view.getByRole('button', { name: 'results.json' }));
    expect(onOpenFile).toHaveBeenCalledWith(marker.path);
    const row = view.container.querySelector('tr[data-trial="trial_1"]') as HTMLElement;
    expect(row.textContent).toContain('0.9');
  });

  it('shows queued and lost trials with their own badges', async () => {
    const waiting = { ...search.trials[1], status: 'queued' as const };
    const gone = { ...search.trials[2], status: 'lost' as const };
    requester.reply(() =>
      jsonResponse({ ...search, status: 'lost', trials: [search.trials[0], waiting, gone] })
    );
    await model.refresh();
    const { view } = shown();
    const badge = (key: string) =>
      view.container.querySelector(`tr[data-trial="${key}"] .hopsml-Status`)?.className;
    expect(badge('trial_2')).toBe('hopsml-Status hopsml-Status-queued');
    expect(badge('trial_0')).toBe('hopsml-Status hopsml-Status-lost');
    expect(model.live).toBe(true); // a trial shown still waits
  });

  it('reproduces a trial through the callback, busy until it is done', async () => {
    let finish = () => undefined as void;
    const onReproduce = jest.fn(() => new Promise<void>(resolve => (finish = resolve)));
    const { view } = shown(onReproduce);
    const row = view.container.querySelector('tr[data-trial="trial_0"]') as HTMLElement;
    const button = row.querySelector('button.hopsml-Reproduce') as HTMLButtonElement;
    fireEvent.click(button);
    expect(onReproduce).toHaveBeenCalledWith('trial_0');
    expect(button.textContent).toBe('Opening…');
    expect(button.disabled).toBe(true);
    await act(async () => finish());
    expect(button.textContent).toBe('Reproduce');
  });

  it('cannot reproduce an experiment that has no snapshot notebook', async () => {
    requester.reply(() => jsonResponse({ ...search, notebook: null }));
    await model.refresh();
    const { view } = shown();
    const buttons = [...view.container.querySelectorAll('button.hopsml-Reproduce')];
    expect(buttons.every(b => (b as HTMLButtonElement).disabled)).toBe(true);
    expect(buttons[0].getAttribute('title')).toMatch(/not started from a notebook/);
  });

  it("draws the trials' curves of the experiment's metric, and parallel coordinates", async () => {
    plotly.react.mockClear();
    const { view } = shown();
    await settle();
    const figures = drawn();
    const curves = figures.get('accuracy per step');
    expect(curves?.data.map(d => d.name)).toEqual(['trial_1', 'trial_0']);
    const parallel = figures.get('hyperparameters against accuracy');
    expect(parallel?.data[0].type).toBe('parcoords');
    expect(parallel?.data[0].dimensions).toHaveLength(3);

    plotly.react.mockClear();
    fireEvent.change(view.getByRole('combobox'), { target: { value: 'loss' } });
    await settle();
    expect(drawn().get('loss per step')?.data.map(d => d.name)).toEqual(['trial_1']);
  });

  it("draws the page's trials and the best ones off the page, saying so", async () => {
    const best = trial('trial_9', { lr: 0.02, opt: 'adam' }, 0.95, {
      metrics: [series('accuracy', [0.5, 0.95])]
    });
    requester.reply(() =>
      jsonResponse({ ...search, trials_total: 10_000, next_token: 't', top_trials: [best] })
    );
    await model.refresh();
    plotly.react.mockClear();
    const { view } = shown();
    await settle();
    const curves = drawn().get('accuracy per step');
    expect(curves?.data.map(d => d.name)).toEqual(['trial_1', 'trial_0', 'trial_9']);
    expect(view.container.querySelector('.hopsml-ChartNote')?.textContent).toBe(
      'The trials of this page and the 1 best others by accuracy.'
    );
  });
});

describe('Plot and the theme', () => {
  afterEach(() => {
    delete document.body.dataset.jpThemeName;
    document.head.querySelectorAll('style').forEach(style => style.remove());
  });

  it("draws in the theme's colours, and again when the theme changes", async () => {
    // '*', not 'body': jsdom does not inherit custom properties as browsers do.
    const css = document.createElement('style');
    css.textContent =
      '* { --jp-layout-color1: white; --jp-ui-font-color1: black; ' +
      '--jp-brand-color1: blue; --jp-warn-color1: orange; }';
    document.head.appendChild(css);
    document.body.dataset.jpThemeName = 'JupyterLab Light';
    const model = new ExperimentDetailModel(
      new HopsMLClient(new FakeRequester().reply(() => jsonResponse(search)).request),
      search.id
    );
    await model.refresh();
    plotly.react.mockClear();
    render(
      <ExperimentView
        model={model}
        onReproduce={() => Promise.resolve()}
        onTensorBoard={() => undefined}
      />
    );
    await settle();
    const layout = () =>
      plotly.react.mock.calls[plotly.react.mock.calls.length - 1][2] as {
        paper_bgcolor?: string;
        colorway?: string[];
        font?: { color?: string };
      };
    expect(layout().paper_bgcolor).toBe('white');
    expect(layout().font?.color).toBe('black');
    expect(layout().colorway).toEqual(['blue', 'orange']);

    const before = plotly.react.mock.calls.length;
    css.textContent = '* { --jp-layout-color1: black; --jp-ui-font-color1: white; }';
    await act(async () => {
      document.body.dataset.jpThemeName = 'JupyterLab Dark';
    });
    await settle();
    expect(plotly.react.mock.calls.length).toBeGreaterThan(before);
    expect(layout().paper_bgcolor).toBe('black');
    expect(layout()).not.toHaveProperty('colorway');
  });
});

describe('ComparisonView', () => {
  it('shows the experiments side by side with their best params and curves', async () => {
    const other = detail('20261125-111111-123456', {
      name: 'mnist',
      kind: 'random_search',
      metric_key: 'accuracy',
      metric_value: 0.8,
      best_trial: 'trial_0',
      trials: [
        trial('trial_0', { dropout: 0.5, lr: 0.001 }, 0.8, {
          metrics: [series('accuracy', [0.3, 0.8])]
        })
      ]
    });
    const requester = new FakeRequester()
      .reply(() => jsonResponse(search))
      .reply(() => jsonResponse(other));
    const client = new HopsMLClient(requester.request);
    const model = new ComparisonModel(client, [search.id, other.id]);
    await model.refresh();
    plotly.react.mockClear();
    const view = render(<ComparisonView model={model} />);
    await settle();

    const table = view.container.querySelector('table.hopsml-CompareTable') as HTMLElement;
    const head = [...table.querySelectorAll('thead th')].map(th => th.textContent);
    expect(head).toEqual(['Experiment', 'churn', 'mnist']);
    const row = (label: string) =>
      [...table.querySelectorAll('tbody tr')]
        .find(r => r.querySelector('th')?.textContent === label)
        ?.querySelectorAll('td');
    expect([...(row('Kind') ?? [])].map(td => td.textContent)).toEqual([
      'grid_search',
      'random_search'
    ]);
    expect([...(row('lr') ?? [])].map(td => td.textContent)).toEqual(['0.01', '0.001']);
    expect([...(row('dropout') ?? [])].map(td => td.textContent)).toEqual(['', '0.5']);
    expect([...(row('Best metric') ?? [])].map(td => td.textContent)).toEqual([
      'accuracy 0.9',
      'accuracy 0.8'
    ]);

    const curves = drawn().get('accuracy per step');
    expect(curves?.data.map(d => d.name)).toEqual([
      'churn · abcdef · trial_1',
      'mnist · 123456 · trial_0'
    ]);
    expect(drawn().get('best accuracy per experiment')?.data[0].type).toBe('bar');
  });
});
