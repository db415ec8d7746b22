/** @jest-environment ./jest-env-jsdom.js */
import { act, fireEvent, render } from '@testing-library/react';
import React from 'react';

import { FakeRequester, jsonResponse } from '../../__tests__/fakes';
import {
  FeatureStoreClient,
  ReportDetail,
  ReportSummary,
  ValidationClient
} from '../../api';
import { FeatureGroupView } from '../../featurestore/FeatureGroupView';
import { FeatureStorePanel } from '../../featurestore/FeatureStorePanel';
import { FeatureGroupModel, FeatureStoreListModel } from '../../featurestore/model';
import {
  commit,
  groupDetail,
  groupPage,
  preview,
  statistics,
  view,
  viewDetail
} from '../../featurestore/__tests__/fixtures';
import { GroupValidationModel, ValidationModel, sourceLabel, verdictText } from '../model';

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

function summary(id: number, success: boolean, commitId: number | null): ReportSummary {
  return {
    id,
    subject: 'customers v1',
    success,
    rules: 3,
    failed: success ? 0 : 2,
    ingestion_result: 'INGESTED',
    format: 'hopsml',
    validated_at: 1718000000 + id,
    feature_group_id: 1,
    commit_id: commitId,
    training_dataset_id: null
  };
}

/** A report of training dataset 3 (`churn_1 v1`), on one split. */
function datasetSummary(id: number, success: boolean, split: string): ReportSummary {
  return {
    ...summary(id, success, null),
    subject: `churn_1 v1 (${split})`,
    ingestion_result: 'UNKNOWN',
    feature_group_id: null,
    training_dataset_id: 3
  };
}

function detail(id: number): ReportDetail {
  return {
    ...summary(id, false, 20),
    engine: 'duckdb',
    row_count: 5,
    columns: ['age', 'churned'],
    results: [
      {
        name: 'not_null(age)',
        kind: 'not_null',
        column: 'age',
        success: false,
        failing_count: 1,
        failing_percent: 20,
        observed: null,
        sample: [{ age: null }],
        error: null
      },
      {
        name: 'between(age, 0, 120)',
        kind: 'between',
        column: 'age',
        success: true,
        failing_count: 0,
        failing_percent: 0,
        observed: null,
        sample: [],
        error: null
      },
      {
        name: 'balanced(churned, 0.3)',
        kind: 'balanced',
        column: 'churned',
        success: false,
        failing_count: 1,
        failing_percent: null,
        observed: { '0': 0.8, '1': 0.2 },
        sample: [],
        error: null
      }
    ],
    figures: [
      {
        name: 'rules',
        figure: {
          data: [
            { type: 'bar', name: 'passed', x: [0], y: ['between(age, 0, 120)'] },
            { type: 'bar', name: 'failed', x: [1, 1], y: ['not_null(age)', 'balanced'] }
          ],
          layout: { title: { text: 'rules: 1 of 3 passed' } }
        }
      },
      {
        name: 'class_balance:churned',
        figure: { data: [{ type: 'bar', x: ['0', '1'], y: [0.8, 0.2] }], layout: {} }
      },
      { name: 'broken', figure: { data: 'not a list' } }
    ]
  };
}

describe('GroupValidationModel', () => {
  let requester: FakeRequester;
  let model: GroupValidationModel;

  beforeEach(() => {
    requester = new FakeRequester();
    model = new GroupValidationModel(new ValidationClient(requester.request), {
      name: 'my group',
      version: 2
    });
  });

  it('lists the newest reports, then older ones by token', async () => {
    requester.reply(() =>
      jsonResponse({ reports: [summary(3, false, 20), summary(2, true, 10)], next_token: 't1' })
    );
    await model.refresh();
    expect(requester.calls[0].path).toBe(
      'hopsml/api/validation/groups/my%20group/2/reports?limit=20'
    );
    expect(model.reports.map(r => r.id)).toEqual([3, 2]);
    expect(model.hasMore).toBe(true);
    requester.reply(() => jsonResponse({ reports: [summary(1, true, 10)], next_token: null }));
    await model.loadMore();
    expect(requester.query(1)).toEqual({ limit: '20', next_token: 't1' });
    expect(model.reports.map(r => r.id)).toEqual([3, 2, 1]);
    expect(model.hasMore).toBe(false);
  });

  it('opens a report, and closes it on a second click', async () => {
    requester.reply(() => jsonResponse({ reports: [summary(3, false, 20)], next_token: null }));
    await model.refresh();
    requester.reply(() => jsonResponse(detail(3)));
    await model.open(3);
    expect(requester.calls[1].path).toBe('hopsml/api/validation/reports/3');
    expect(model.selected).toBe(3);
    expect(model.detail.value?.results).toHaveLength(3);
    await model.open(3);
    expect(model.selected).toBeNull();
    expect(requester.calls).toHaveLength(2);
  });

  it("keeps the server's message when the list fails, and resets on another version", async () => {
    requester.reply(() => jsonResponse({ message: 'no feature group named x' }, 404));
    await model.refresh();
    expect(model.error).toBe('no feature group named x');
    model.setKey({ name: 'my group', version: 3 });
    expect(model.loaded).toBe(false);
    expect(model.reports).toEqual([]);
  });

  it('says a verdict in words', () => {
    expect(verdictText(summary(1, true, null))).toBe('3 rules passed');
    expect(verdictText(summary(1, false, null))).toBe('2 of 3 rules failed');
  });
});

describe('FeatureGroupView: the Validation section', () => {
  let requester: FakeRequester;
  let model: FeatureGroupModel;

  beforeEach(async () => {
    plotly.react.mockClear();
    requester = new FakeRequester();
    model = new FeatureGroupModel(
      new FeatureStoreClient(requester.request),
      { name: 'customers', version: 1 },
      new ValidationClient(requester.request)
    );
    requester.reply(() => jsonResponse(groupDetail('customers')));
    requester.reply(() => jsonResponse({ commits: [commit(20), commit(10)], next_token: null }));
    requester.reply(() => jsonResponse(statistics(20)));
    requester.reply(() => jsonResponse(preview(20)));
    requester.reply(() =>
      jsonResponse({ reports: [summary(3, false, 20), summary(2, true, 10)], next_token: null })
    );
    await model.refresh();
  });

  it('shows pass/fail badges per report, over the commits', () => {
    expect(requester.calls[4].path).toBe(
      'hopsml/api/validation/groups/customers/1/reports?limit=20'
    );
    const { container } = render(<FeatureGroupView model={model} />);
    const rows = [...container.querySelectorAll('.hopsml-Validation-reports tbody tr')];
    expect(rows.map(r => r.getAttribute('data-commit'))).toEqual(['20', '10']);
    expect(
      rows.map(r => r.querySelector('[data-verdict]')?.getAttribute('data-verdict'))
    ).toEqual(['failed', 'passed']);
    expect(rows[0].textContent).toContain('2 of 3 rules failed');
  });

  it("opens a report: its rules and its stored figures drawn as they are", async () => {
    const { container } = render(<FeatureGroupView model={model} />);
    requester.reply(() => jsonResponse(detail(3)));
    fireEvent.click(container.querySelector('tr[data-report="3"] button')!);
    await settle();
    const rules = [...container.querySelectorAll('.hopsml-Validation-rules tbody tr')];
    expect(rules.map(r => r.getAttribute('data-rule'))).toEqual([
      'not_null(age)',
      'between(age, 0, 120)',
      'balanced(churned, 0.3)'
    ]);
    expect(rules[0].textContent).toContain('1 (20%)');
    const charts = [...container.querySelectorAll('.hopsml-Validation-figures .hopsml-Plot')];
    expect(charts.map(c => c.getAttribute('data-chart'))).toEqual([
      'rules',
      'class_balance:churned'
    ]);
    const drawn = plotly.react.mock.calls.map(call => call[1] as { name?: string }[]);
    const rulesTraces = drawn.find(data => data.length === 2);
    expect(rulesTraces?.map(t => t.name)).toEqual(['passed', 'failed']);
    expect(container.querySelector('tr[data-report="3"] button')?.textContent).toBe('Close');
  });

  it('another version lists its own reports', async () => {
    requester.reply(() => jsonResponse(groupDetail('customers')));
    requester.reply(() => jsonResponse({ commits: [], next_token: null }));
    requester.reply(() => jsonResponse({ message: 'no statistics' }, 404));
    requester.reply(() => jsonResponse({ message: 'no commit' }, 404));
    requester.reply(() => jsonResponse({ reports: [], next_token: null }));
    await model.setVersion(2);
    expect(requester.calls[9].path).toBe(
      'hopsml/api/validation/groups/customers/2/reports?limit=20'
    );
    const { container } = render(<FeatureGroupView model={model} />);
    expect(container.querySelector('.hopsml-Validation')?.textContent).toContain(
      'No validation reports yet'
    );
  });
});

describe('ValidationModel of a training dataset', () => {
  let requester: FakeRequester;
  let model: ValidationModel;

  beforeEach(() => {
    requester = new FakeRequester();
    model = new ValidationModel(new ValidationClient(requester.request), {
      kind: 'dataset',
      id: 3,
      name: 'churn_1',
      version: 1
    });
  });

  it("lists the dataset's reports by its id, then older ones by token", async () => {
    requester.reply(() =>
      jsonResponse({ reports: [datasetSummary(5, false, 'train')], next_token: 't1' })
    );
    await model.refresh();
    expect(requester.calls[0].path).toBe(
      'hopsml/api/validation/trainingdatasets/3/reports?limit=20'
    );
    requester.reply(() =>
      jsonResponse({ reports: [datasetSummary(4, true, 'test')], next_token: null })
    );
    await model.loadMore();
    expect(requester.calls[1].path).toBe(
      'hopsml/api/validation/trainingdatasets/3/reports?limit=20&next_token=t1'
    );
    expect(model.reports.map(r => r.id)).toEqual([5, 4]);
    expect(model.hasMore).toBe(false);
  });

  it("keeps the server's message for an unknown dataset", async () => {
    requester.reply(() => jsonResponse({ message: 'no training dataset with id 3' }, 404));
    await model.refresh();
    expect(model.error).toBe('no training dataset with id 3');
    expect(model.loaded).toBe(true);
  });

  it('names its source', () => {
    expect(sourceLabel(model.source)).toBe('training dataset churn_1 v1');
    expect(sourceLabel({ kind: 'group', name: 'customers', version: 2 })).toBe(
      'customers v2'
    );
  });
});

describe("FeatureStorePanel: a training dataset's validation reports", () => {
  let requester: FakeRequester;
  let model: FeatureStoreListModel;

  async function unfoldDataset(): Promise<HTMLElement> {
    const { container } = render(<FeatureStorePanel model={model} onOpenGroup={jest.fn()} />);
    requester.reply(() => jsonResponse(viewDetail('churn')));
    fireEvent.click(container.querySelector('.hopsml-FeatureView .hopsml-FeatureStore-open')!);
    await settle();
    return container.querySelector('[data-training-dataset="churn_1 v1"]') as HTMLElement;
  }

  beforeEach(async () => {
    plotly.react.mockClear();
    requester = new FakeRequester();
    model = new FeatureStoreListModel(
      new FeatureStoreClient(requester.request),
      50,
      new ValidationClient(requester.request)
    );
    requester.reply(() => jsonResponse(groupPage([])));
    requester.reply(() => jsonResponse({ views: [view('churn')] }));
    await model.refresh();
  });

  it('lists its reports with pass/fail badges and the split each checked', async () => {
    const dataset = await unfoldDataset();
    const toggle = dataset.querySelector('.hopsml-DatasetReports')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    requester.reply(() =>
      jsonResponse({
        reports: [datasetSummary(5, false, 'train'), datasetSummary(4, true, 'test')],
        next_token: null
      })
    );
    fireEvent.click(toggle);
    await settle();
    expect(requester.calls[3].path).toBe(
      'hopsml/api/validation/trainingdatasets/3/reports?limit=20'
    );
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const rows = [...dataset.querySelectorAll('.hopsml-Validation-reports tbody tr')];
    expect(
      rows.map(r => r.querySelector('[data-verdict]')?.getAttribute('data-verdict'))
    ).toEqual(['failed', 'passed']);
    expect(rows[0].textContent).toContain('churn_1 v1 (train)');
    expect(rows[0].textContent).toContain('2 of 3 rules failed');
    const headers = [...dataset.querySelectorAll('.hopsml-Validation-reports th')];
    expect(headers.map(h => h.textContent)).toEqual([
      'Verdict',
      'Validated',
      'Checked',
      'Rules',
      ''
    ]);
    fireEvent.click(toggle); // folded again: no request
    expect(dataset.querySelector('.hopsml-Validation')).toBeNull();
    expect(requester.calls).toHaveLength(4);
  });

  it("opens a report: its rules and plots, under the dataset", async () => {
    const dataset = await unfoldDataset();
    requester.reply(() =>
      jsonResponse({ reports: [datasetSummary(5, false, 'train')], next_token: null })
    );
    fireEvent.click(dataset.querySelector('.hopsml-DatasetReports')!);
    await settle();
    requester.reply(() => jsonResponse({ ...detail(5), ...datasetSummary(5, false, 'train') }));
    fireEvent.click(dataset.querySelector('tr[data-report="5"] button')!);
    await settle();
    expect(requester.calls[4].path).toBe('hopsml/api/validation/reports/5');
    const rules = [...dataset.querySelectorAll('.hopsml-Validation-rules tbody tr')];
    expect(rules.map(r => r.getAttribute('data-rule'))).toEqual([
      'not_null(age)',
      'between(age, 0, 120)',
      'balanced(churned, 0.3)'
    ]);
    const charts = [...dataset.querySelectorAll('.hopsml-Validation-figures .hopsml-Plot')];
    expect(charts.map(c => c.getAttribute('data-chart'))).toEqual([
      'rules',
      'class_balance:churned'
    ]);
    expect(dataset.querySelector('.hopsml-Validation-report h4')?.textContent).toContain(
      'Report 5'
    );
  });

  it('says when a dataset has no reports, and shows them again after a refresh', async () => {
    const dataset = await unfoldDataset();
    requester.reply(() => jsonResponse({ reports: [], next_token: null }));
    fireEvent.click(dataset.querySelector('.hopsml-DatasetReports')!);
    await settle();
    expect(dataset.querySelector('.hopsml-Validation')?.textContent).toContain(
      'No validation reports yet for training dataset churn_1 v1'
    );
    requester.reply(() => jsonResponse(groupPage([])));
    requester.reply(() => jsonResponse({ views: [view('churn')] }));
    requester.reply(() => jsonResponse(viewDetail('churn')));
    requester.reply(() =>
      jsonResponse({ reports: [datasetSummary(6, true, 'train')], next_token: null })
    );
    await act(() => model.refresh());
    expect(requester.calls[7].path).toBe(
      'hopsml/api/validation/trainingdatasets/3/reports?limit=20'
    );
    expect(model.datasetReports(3)?.reports.map(r => r.id)).toEqual([6]);
  });

  it('offers no reports without a validation client', async () => {
    model = new FeatureStoreListModel(new FeatureStoreClient(requester.request));
    requester.reply(() => jsonResponse(groupPage([])));
    requester.reply(() => jsonResponse({ views: [view('churn')] }));
    await model.refresh();
    const dataset = await unfoldDataset();
    expect(dataset.querySelector('.hopsml-DatasetReports')).toBeNull();
  });
});
