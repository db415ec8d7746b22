/** @jest-environment ./jest-env-jsdom.js */
import { act, fireEvent, render } from '@testing-library/react';
import React from 'react';

import { FakeRequester, jsonResponse } from '../../__tests__/fakes';
import { FeatureStoreClient } from '../../api';
import { FeatureGroupView } from '../FeatureGroupView';
import { FeatureStorePanel, SEARCH_DELAY } from '../FeatureStorePanel';
import { FeatureGroupModel, FeatureStoreListModel } from '../model';
import {
  commit,
  group,
  groupDetail,
  groupPage,
  preview,
  statistics,
  view,
  viewDetail
} from './fixtures';

// plotly.js draws with SVG that jsdom lacks; what it is asked to draw is checked as data.
const plotly = {
  react: jest.fn((..._args: unknown[]) => Promise.resolve()),
  purge: jest.fn(),
  Plots: { resize: jest.fn() }
};
jest.mock('plotly.js-dist-min', () => ({ __esModule: true, default: plotly }));

async function settle(): Promise<void> {
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 0));
  });
}

describe('FeatureStorePanel', () => {
  let requester: FakeRequester;
  let model: FeatureStoreListModel;

  beforeEach(async () => {
    requester = new FakeRequester();
    model = new FeatureStoreListModel(new FeatureStoreClient(requester.request));
    requester.reply(() =>
      jsonResponse(
        groupPage([
          group('customers', 1, {
            matched_features: [
              {
                name: 'age',
                type: 'bigint',
                description: 'Age in years',
                primary: false,
                partition: false,
                event_time: false
              }
            ]
          }),
          group('orders', 1, { rows: null, last_commit: null, commit_count: 0 })
        ])
      )
    );
    requester.reply(() => jsonResponse({ views: [view('churn')] }));
    await model.refresh();
  });

  it('lists groups with version, description, rows and matched features', () => {
    const { container } = render(<FeatureStorePanel model={model} onOpenGroup={jest.fn()} />);
    const items = container.querySelectorAll('.hopsml-FeatureStore-groups > li');
    expect(items).toHaveLength(2);
    expect(items[0].textContent).toContain('customers');
    expect(items[0].textContent).toContain('v1');
    expect(items[0].textContent).toContain('customers of the shop');
    expect(items[0].textContent).toContain('3 rows');
    expect(items[0].querySelector('.hopsml-FeatureStore-match')?.textContent).toBe('age');
    expect(items[1].textContent).toContain('no data yet');
    expect(container.querySelector('.hopsml-FeatureStore-count')?.textContent).toBe(
      '2 group versions'
    );
  });

  it('opens a group, and a group a view reads', () => {
    const onOpen = jest.fn();
    const { container } = render(<FeatureStorePanel model={model} onOpenGroup={onOpen} />);
    fireEvent.click(container.querySelector('.hopsml-FeatureStore-groups .hopsml-FeatureStore-open')!);
    expect(onOpen).toHaveBeenLastCalledWith({ name: 'customers', version: 1 });
    fireEvent.click(container.querySelector('.hopsml-FeatureView [data-group="orders v1"]')!);
    expect(onOpen).toHaveBeenLastCalledWith({ name: 'orders', version: 1 });
  });

  it('searches after typing stops', async () => {
    jest.useFakeTimers();
    try {
      const { container } = render(<FeatureStorePanel model={model} onOpenGroup={jest.fn()} />);
      const box = container.querySelector('input[type="search"]')!;
      requester.reply(() => jsonResponse(groupPage([group('orders')])));
      requester.reply(() => jsonResponse({ views: [] }));
      fireEvent.change(box, { target: { value: 'ta' } });
      fireEvent.change(box, { target: { value: 'tax' } });
      expect(requester.calls).toHaveLength(2); // nothing asked yet
      await act(async () => {
        jest.advanceTimersByTime(SEARCH_DELAY);
      });
      expect(requester.calls).toHaveLength(4); // one search, for the last text
      expect(requester.query(2)).toEqual({ q: 'tax', limit: '50' });
    } finally {
      jest.useRealTimers();
    }
    await settle();
    expect(model.groups.map(g => g.name)).toEqual(['orders']);
  });

  it("unfolds a view's training datasets with their lineage links", async () => {
    const onOpen = jest.fn();
    const { container } = render(<FeatureStorePanel model={model} onOpenGroup={onOpen} />);
    requester.reply(() => jsonResponse(viewDetail('churn')));
    fireEvent.click(container.querySelector('.hopsml-FeatureView .hopsml-FeatureStore-open')!);
    await settle();
    const dataset = container.querySelector('[data-training-dataset="churn_1 v1"]')!;
    expect(dataset.textContent).toContain('train 80%, test 20%');
    fireEvent.click(dataset.querySelector('[data-group="customers v1"]')!);
    expect(onOpen).toHaveBeenLastCalledWith({ name: 'customers', version: 1 });
  });
});

describe('FeatureGroupView', () => {
  let requester: FakeRequester;
  let model: FeatureGroupModel;

  beforeEach(async () => {
    plotly.react.mockClear();
    requester = new FakeRequester();
    model = new FeatureGroupModel(new FeatureStoreClient(requester.request), {
      name: 'customers',
      version: 1
    });
    requester.reply(() => jsonResponse(groupDetail('customers')));
    requester.reply(() => jsonResponse({ commits: [commit(20), commit(10)], next_token: null }));
    requester.reply(() => jsonResponse(statistics(20)));
    requester.reply(() => jsonResponse(preview(20)));
    await model.refresh();
  });

  it('shows the schema with descriptions and keys', () => {
    const { container } = render(<FeatureGroupView model={model} />);
    const rows = container.querySelectorAll('table.hopsml-Schema tbody tr');
    expect([...rows].map(r => r.getAttribute('data-feature'))).toEqual(['cust', 'age', 'plan']);
    expect(rows[0].textContent).toContain('primary key');
    expect(rows[1].textContent).toContain('Age in years');
  });

  it("draws the server's statistics figures, one per feature", async () => {
    const { container } = render(<FeatureGroupView model={model} />);
    await settle();
    const charts = [...container.querySelectorAll('.hopsml-Plot')].map(e =>
      e.getAttribute('data-chart')
    );
    expect(charts).toEqual(['statistics: age', 'statistics: plan']);
    const titles = plotly.react.mock.calls.map(
      call => (call[2] as { title?: { text?: string } }).title?.text
    );
    expect(titles).toEqual(['age: histogram', 'plan: top values']);
    expect(container.querySelector('table.hopsml-Statistics')?.textContent).toContain('1 (25%)');
  });

  it('shows the preview, null cells marked', () => {
    const { container } = render(<FeatureGroupView model={model} />);
    const cells = container.querySelectorAll('table.hopsml-Preview tbody tr:first-child td');
    expect([...cells].map(c => c.textContent)).toEqual(['1', '', 'pro']);
    expect(cells[1].className).toBe('hopsml-Null');
    expect(container.textContent).toContain('2 of 4 rows');
  });

  it('shows an older commit on request', async () => {
    const { container } = render(<FeatureGroupView model={model} />);
    requester.reply(() => jsonResponse(statistics(10)));
    requester.reply(() => jsonResponse(preview(10)));
    const older = container.querySelector('tr[data-commit="10"] button')!;
    expect(older.textContent).toBe('Show');
    fireEvent.click(older);
    await settle();
    expect(requester.query(4)).toEqual({ commit: '10' });
    expect(container.querySelector('tr[data-commit="10"] button')?.textContent).toBe('Shown');
  });

  it("says why there are no statistics (the server's note)", async () => {
    requester.reply(() => jsonResponse(groupDetail('customers')));
    requester.reply(() => jsonResponse({ commits: [], next_token: null }));
    requester.reply(() => jsonResponse({ message: 'call fg.compute_statistics()' }, 404));
    requester.reply(() => jsonResponse({ message: 'no commit: insert a DataFrame' }, 404));
    await model.refresh();
    const { container } = render(<FeatureGroupView model={model} />);
    const notes = [...container.querySelectorAll('.hopsml-Empty')].map(e => e.textContent);
    expect(notes).toContain('call fg.compute_statistics()');
    expect(notes).toContain('no commit: insert a DataFrame');
    expect(container.querySelector('.hopsml-Error')).toBeNull();
  });
});
