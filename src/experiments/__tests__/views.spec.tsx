/** @jest-environment ./jest-env-jsdom.js */
import { act, fireEvent, render } from '@testing-library/react';
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
  trials: [
    trial('trial_0', { lr: 0.1, opt: 'sgd' }, 0.5, { metrics: [series('accuracy', [0.2, 0.5])] }),
    trial('trial_1', { lr: 0.01, opt: 'adam' }, 0.9, {
      metrics: [series('accuracy', [0.4, 0.9]), series('loss', [0.7, 0.1])]
    }),
    trial('trial_2', { lr: 0.5, opt: 'adam' }, 0.7)
  ]
});

describe('ExperimentView', () => {
  let requester: FakeRequester;
  let model: ExperimentDetailModel;

  beforeEach(async () => {
    requester = new FakeRequester();
    model = new ExperimentDetailModel(new HopsMLClient(requester.request), search.id);
    requester.reply(() => jsonResponse(search));
    await model.refresh();
  });

  function shown(onReproduce = jest.fn(() => Promise.resolve()), onTensorBoard = jest.fn()) {
    const view = render(
      <ExperimentView model={model} onReproduce={onReproduce} onTensorBoard={onTensorBoard} />
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

  it('lists the trials best first, and sorts by a clicked column', () => {
    const { view, rowKeys } = shown();
    expect(rowKeys()).toEqual(['trial_1', 'trial_2', 'trial_0']);
    const lr = view.getByRole('button', { name: 'lr' });
    fireEvent.click(lr);
    expect(rowKeys()).toEqual(['trial_1', 'trial_0', 'trial_2']);
    expect(lr.closest('th')?.getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(lr);
    expect(rowKeys()).toEqual(['trial_2', 'trial_0', 'trial_1']);
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
    expect(curves?.data.map(d => d.name)).toEqual(['trial_0', 'trial_1']);
    const parallel = figures.get('hyperparameters against accuracy');
    expect(parallel?.data[0].type).toBe('parcoords');
    expect(parallel?.data[0].dimensions).toHaveLength(3);

    plotly.react.mockClear();
    fireEvent.change(view.getByRole('combobox'), { target: { value: 'loss' } });
    await settle();
    expect(drawn().get('loss per step')?.data.map(d => d.name)).toEqual(['trial_1']);
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
