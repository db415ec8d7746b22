/** @jest-environment ./jest-env-jsdom.js */
import { act, fireEvent, render } from '@testing-library/react';
import React from 'react';

import { FakeRequester, jsonResponse, page } from '../../__tests__/fakes';
import { HopsMLClient } from '../../api';
import { OpenTensorBoard } from '../../shared/commands';
import { ExperimentList, LOAD_AHEAD, OVERSCAN } from '../ExperimentList';
import { ExperimentListModel } from '../model';

const VIEW_HEIGHT = 600; // px of the scrolling list
const ROW_HEIGHT = 58;

// jsdom lays nothing out: give the scroller and the rows the sizes a browser would.
const sizes = {
  clientHeight(this: HTMLElement) {
    return this.classList.contains('hopsml-ExperimentList-scroller') ? VIEW_HEIGHT : 0;
  },
  offsetHeight(this: HTMLElement) {
    return this.classList.contains('hopsml-ExperimentList-item') ? ROW_HEIGHT : 0;
  }
};
const saved = new Map<string, PropertyDescriptor | undefined>();
beforeAll(() => {
  for (const [name, get] of Object.entries(sizes)) {
    saved.set(name, Object.getOwnPropertyDescriptor(HTMLElement.prototype, name));
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get });
  }
});
afterAll(() => {
  for (const [name, descriptor] of saved) {
    if (descriptor) {
      Object.defineProperty(HTMLElement.prototype, name, descriptor);
    }
  }
});

function ids(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, n) => `exp-${from + n}`);
}

async function shown(
  model: ExperimentListModel,
  onCompare: (ids: string[]) => void = () => undefined,
  onTensorBoard: OpenTensorBoard = () => undefined
) {
  const view = render(
    <ExperimentList
      model={model}
      onOpen={() => undefined}
      onCompare={onCompare}
      onTensorBoard={onTensorBoard}
    />
  );
  await act(async () => undefined); // the virtualizer measures after mount
  const rows = () => [...view.container.querySelectorAll('li.hopsml-ExperimentList-item')];
  const scroller = view.container.querySelector(
    '.hopsml-ExperimentList-scroller'
  ) as HTMLElement;
  return { view, rows, scroller };
}

describe('ExperimentList virtual scrolling', () => {
  let requester: FakeRequester;
  let model: ExperimentListModel;

  beforeEach(() => {
    requester = new FakeRequester();
    model = new ExperimentListModel(new HopsMLClient(requester.request), 100);
  });

  it('draws only a window of rows for 10,000 experiments', async () => {
    requester.reply(() => jsonResponse(page(ids(0, 10_000), null, 10_000)));
    await model.refresh();
    const { view, rows, scroller } = await shown(model);

    const visible = Math.ceil(VIEW_HEIGHT / ROW_HEIGHT);
    expect(rows().length).toBeGreaterThanOrEqual(visible);
    expect(rows().length).toBeLessThanOrEqual(visible + 2 * OVERSCAN + 1);
    expect(rows()[0].getAttribute('data-experiment-id')).toBe('exp-0');
    // The list is as tall as all rows, so the scroll bar is true to 10,000.
    const list = view.container.querySelector('ul') as HTMLElement;
    expect(list.style.height).toBe(`${10_000 * ROW_HEIGHT}px`);
    expect(view.container.textContent).toContain('10000 experiments');

    // Scrolled to the middle: still a window, now of the middle rows.
    await act(async () => {
      scroller.scrollTop = 5_000 * ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });
    const middle = rows().map(r => r.getAttribute('data-experiment-id'));
    expect(middle.length).toBeLessThanOrEqual(visible + 2 * OVERSCAN + 1);
    expect(middle).toContain('exp-5000');
    expect(middle).not.toContain('exp-0');
    expect(requester.calls).toHaveLength(1); // all loaded: nothing more to ask for
  });

  it('loads the next page when the end of the loaded rows scrolls into view', async () => {
    requester
      .reply(() => jsonResponse(page(ids(0, 100), 'tok-2', 10_000)))
      .reply(() => jsonResponse(page(ids(100, 100), 'tok-3', 10_000)));
    await model.refresh();
    const { rows, scroller } = await shown(model);
    expect(requester.calls).toHaveLength(1); // the first screen is far from the end

    await act(async () => {
      scroller.scrollTop = (100 - LOAD_AHEAD / 2) * ROW_HEIGHT - VIEW_HEIGHT;
      fireEvent.scroll(scroller);
    });
    expect(requester.calls).toHaveLength(2);
    expect(requester.query(1)).toMatchObject({ next_token: 'tok-2', limit: '100' });
    expect(model.experiments).toHaveLength(200);
    expect(model.hasMore).toBe(true);
    const bound = Math.ceil(VIEW_HEIGHT / ROW_HEIGHT) + 2 * OVERSCAN + 1;
    expect(rows().length).toBeLessThanOrEqual(bound);
  });

  it('does not retry a failed page by itself; "Load more" does', async () => {
    requester
      .reply(() => jsonResponse(page(ids(0, 5), 'tok-2', 10)))
      .fail(new Error('connection lost'))
      .reply(() => jsonResponse(page(ids(5, 5), null, 10)));
    await model.refresh();
    const { view } = await shown(model); // 5 rows: the end is in view at once
    expect(requester.calls).toHaveLength(2);
    expect(view.container.querySelector('.hopsml-Error')?.textContent).toBe('connection lost');

    const button = view.getByText('Load more');
    await act(async () => {
      fireEvent.click(button);
    });
    expect(requester.calls).toHaveLength(3);
    expect(model.experiments).toHaveLength(10);
  });
});

describe('ExperimentList selection and filters', () => {
  let requester: FakeRequester;
  let model: ExperimentListModel;

  beforeEach(async () => {
    requester = new FakeRequester();
    model = new ExperimentListModel(new HopsMLClient(requester.request), 100);
    requester.reply(() => jsonResponse(page(['a', 'b', 'c'])));
    await model.refresh();
  });

  it('ticks experiments and compares two or more', async () => {
    const compared: string[][] = [];
    const { view } = await shown(model, ids => compared.push(ids));
    expect(view.container.querySelector('.hopsml-CompareBar')).toBeNull();

    fireEvent.click(view.getByLabelText('Compare experiment a (a)'));
    const button = view.getByText('Compare') as HTMLButtonElement;
    expect(view.container.textContent).toContain('1 selected');
    expect(button.disabled).toBe(true);

    fireEvent.click(view.getByLabelText('Compare experiment c (c)'));
    expect(button.disabled).toBe(false);
    fireEvent.click(button);
    expect(compared).toEqual([['a', 'c']]);

    fireEvent.click(view.getByText('Clear'));
    expect(model.selected.size).toBe(0);
    expect(view.container.querySelector('.hopsml-CompareBar')).toBeNull();
  });

  it('opens one TensorBoard for the ticked experiments, from one on', async () => {
    const onTensorBoard = jest.fn();
    const { view } = await shown(model, undefined, onTensorBoard);
    fireEvent.click(view.getByLabelText('Compare experiment b (b)'));
    const button = () =>
      view.container.querySelector(
        '.hopsml-CompareBar .hopsml-TensorBoardButton'
      ) as HTMLButtonElement;
    expect(button().disabled).toBe(false);
    fireEvent.click(button());
    expect(onTensorBoard).toHaveBeenLastCalledWith(['b'], 'experiment b');

    fireEvent.click(view.getByLabelText('Compare experiment a (a)'));
    fireEvent.click(button());
    expect(onTensorBoard).toHaveBeenLastCalledWith(['b', 'a'], undefined);
  });

  it('filters by every status, lost included, and badges each', async () => {
    const lost = page(['gone']);
    lost.experiments[0] = { ...lost.experiments[0], status: 'lost' };
    requester.reply(() => jsonResponse(lost));
    const { view } = await shown(model);
    const select = view.getByLabelText('Filter by status') as HTMLSelectElement;
    expect([...select.options].map(o => o.value)).toEqual([
      '',
      'running',
      'finished',
      'failed',
      'killed',
      'lost'
    ]);
    await act(async () => {
      fireEvent.change(select, { target: { value: 'lost' } });
    });
    expect(requester.query(1)).toMatchObject({ status: 'lost' });
    const badge = view.container.querySelector('[data-experiment-id="gone"] .hopsml-Status');
    expect(badge?.className).toBe('hopsml-Status hopsml-Status-lost');
    expect(badge?.textContent).toBe('lost');
  });

  it('filters by user and by a range of days', async () => {
    const { view } = await shown(model);
    requester
      .reply(() => jsonResponse(page(['a'])))
      .reply(() => jsonResponse(page(['a'])))
      .reply(() => jsonResponse(page(['a'])));

    const user = view.getByLabelText('Filter experiments by user');
    await act(async () => {
      fireEvent.change(user, { target: { value: 'alice' } });
      fireEvent.blur(user);
    });
    expect(requester.query(1)).toMatchObject({ user: 'alice' });

    await act(async () => {
      fireEvent.change(view.getByLabelText('Created on or after'), {
        target: { value: '2026-11-02' }
      });
    });
    const after = Number(requester.query(2).created_after);
    expect(after).toBe(new Date(2026, 10, 2).getTime() / 1000);

    await act(async () => {
      fireEvent.change(view.getByLabelText('Created on or before'), {
        target: { value: '2026-11-05' }
      });
    });
    // 'to' includes the whole day: the bound is the next midnight.
    expect(Number(requester.query(3).created_before)).toBe(
      new Date(2026, 10, 6).getTime() / 1000
    );
    expect(requester.query(3)).toMatchObject({ user: 'alice' });
    const to = view.getByLabelText('Created on or before') as HTMLInputElement;
    expect(to.value).toBe('2026-11-05');
    expect(to.min).toBe('2026-11-02');
  });
});
