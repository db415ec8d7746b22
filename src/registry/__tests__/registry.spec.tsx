/** @jest-environment ./jest-env-jsdom.js */
import { act, fireEvent, render } from '@testing-library/react';
import React from 'react';

import { FakeRequester, jsonResponse } from '../../__tests__/fakes';
import { ModelDetail, ModelSummary, ModelVersionInfo, RegistryClient } from '../../api';
import { ModelsSection } from '../ModelsSection';
import { RegistryModel, bestText, metricsText, paramsText } from '../model';

async function settle(): Promise<void> {
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 0));
  });
}

function version(n: number, extra: Partial<ModelVersionInfo> = {}): ModelVersionInfo {
  return {
    name: 'churn',
    version: n,
    framework: 'SKLEARN',
    description: null,
    metrics: { loss: 0.5 - n / 10, accuracy: 0.7 + n / 10 },
    params: {},
    created_at: 1_718_000_000 + n,
    path: `/p/Models/churn/${n}`,
    lineage: {
      experiment_id: null,
      trial_key: null,
      feature_view_name: null,
      feature_view_version: null,
      training_dataset_version: null,
      program: null,
      user: null
    },
    ...extra
  };
}

function churnSummary(): ModelSummary {
  return {
    name: 'churn',
    versions: 2,
    latest: version(2),
    best: { name: 'accuracy', value: 0.9, version: 2, direction: 'max' }
  };
}

function churnDetail(): ModelDetail {
  const traced = version(2, {
    params: { lr: 0.1, C: 2 },
    lineage: {
      experiment_id: 'exp-0123456789',
      trial_key: 'trial_0',
      feature_view_name: 'customers_view',
      feature_view_version: 2,
      training_dataset_version: 3,
      program: null,
      user: 'ada'
    }
  });
  return {
    name: 'churn',
    versions: [traced, version(1)],
    best: churnSummary().best,
    deployments: ['churn']
  };
}

describe('texts', () => {
  it('says the best metric, the metrics by name and the params', () => {
    expect(bestText(churnSummary().best)).toBe('accuracy 0.9 (v2)');
    expect(bestText(null)).toBe('no metrics');
    expect(metricsText({ loss: 0.3, accuracy: 0.9 })).toBe('accuracy 0.9 · loss 0.3');
    expect(paramsText({ lr: 0.1, layers: [2, 3] })).toBe('lr=0.1, layers=[2,3]');
  });
});

describe('RegistryModel', () => {
  let requester: FakeRequester;
  let model: RegistryModel;

  beforeEach(() => {
    requester = new FakeRequester();
    model = new RegistryModel(new RegistryClient(requester.request));
  });

  it('lists the models, unfolds one and folds it again', async () => {
    requester.reply(() => jsonResponse({ models: [churnSummary()] }));
    await model.refresh();
    expect(requester.calls[0].path).toBe('hopsml/api/registry/models');
    expect(model.models.map(m => m.name)).toEqual(['churn']);
    expect(model.loaded).toBe(true);

    requester.reply(() => jsonResponse(churnDetail()));
    await model.open('churn');
    expect(requester.calls[1].path).toBe('hopsml/api/registry/models/churn');
    expect(model.selected).toBe('churn');
    expect(model.detail.value?.versions.map(v => v.version)).toEqual([2, 1]);

    await model.open('churn');
    expect(model.selected).toBeNull();
    expect(model.detail.value).toBeNull();
    expect(requester.calls).toHaveLength(2);
  });

  it('refreshes the unfolded model with the list', async () => {
    requester.reply(() => jsonResponse({ models: [churnSummary()] }));
    requester.reply(() => jsonResponse(churnDetail()));
    await model.refresh();
    await model.open('churn');
    requester.reply(() => jsonResponse({ models: [churnSummary()] }));
    requester.reply(() => jsonResponse({ ...churnDetail(), deployments: [] }));
    await model.refresh();
    expect(requester.calls.map(c => c.path)).toEqual([
      'hopsml/api/registry/models',
      'hopsml/api/registry/models/churn',
      'hopsml/api/registry/models',
      'hopsml/api/registry/models/churn'
    ]);
    expect(model.detail.value?.deployments).toEqual([]);
  });

  it("drops an answer for a model folded meanwhile, and says the server's error", async () => {
    const slow = requester.hold();
    const opening = model.open('churn');
    await model.open(null);
    slow.resolve(jsonResponse(churnDetail()));
    await opening;
    expect(model.selected).toBeNull();
    expect(model.detail.value).toBeNull();

    requester.reply(() => jsonResponse({ message: 'no model gone', reason: null }, 404));
    await model.open('gone');
    expect(model.detail.message).toBe('no model gone');
    expect(model.detail.missing).toBe(true);

    requester.fail(new Error('network down'));
    await model.refresh();
    expect(model.error).toBe('network down');
  });

  it('keeps the newest list when answers come back out of order', async () => {
    const first = requester.hold();
    const older = model.refresh();
    requester.reply(() => jsonResponse({ models: [] }));
    await model.refresh();
    first.resolve(jsonResponse({ models: [churnSummary()] }));
    await older;
    expect(model.models).toEqual([]);
  });
});

describe('ModelsSection', () => {
  it('shows versions with metrics, params and lineage links to the domains', async () => {
    const requester = new FakeRequester()
      .reply(() => jsonResponse({ models: [churnSummary()] }))
      .reply(() => jsonResponse(churnDetail()));
    const model = new RegistryModel(new RegistryClient(requester.request));
    const links = { openExperiment: jest.fn(), openFeatureView: jest.fn() };
    const { container, getByText } = render(<ModelsSection model={model} links={links} />);
    await act(() => model.refresh());
    const item = container.querySelector('li[data-model-name="churn"]')!;
    expect(item.textContent).toContain('2 versions · best accuracy 0.9 (v2)');

    fireEvent.click(item.querySelector('button.hopsml-Registry-open')!);
    await settle();
    const rows = container.querySelectorAll('table.hopsml-Registry-versions tbody tr');
    expect([...rows].map(r => r.getAttribute('data-version'))).toEqual(['2', '1']);
    expect(rows[0].textContent).toContain('accuracy 0.9 · loss 0.3');
    expect(rows[0].textContent).toContain('lr=0.1, C=2');
    expect(rows[1].textContent).toContain('none recorded');
    expect(getByText('deployed as churn')).toBeTruthy();

    fireEvent.click(rows[0].querySelector('button.hopsml-ExperimentLink')!);
    expect(links.openExperiment).toHaveBeenCalledWith('exp-0123456789');
    const view = rows[0].querySelector('button.hopsml-FeatureViewLink')!;
    expect(view.textContent).toBe('customers_view v2 · training dataset v3');
    fireEvent.click(view);
    expect(links.openFeatureView).toHaveBeenCalledWith('customers_view', 2);
  });

  it('says how to make a model when there is none', async () => {
    const requester = new FakeRequester().reply(() => jsonResponse({ models: [] }));
    const model = new RegistryModel(new RegistryClient(requester.request));
    const links = { openExperiment: jest.fn(), openFeatureView: jest.fn() };
    const { container } = render(<ModelsSection model={model} links={links} />);
    await act(() => model.refresh());
    expect(container.textContent).toContain('No models yet');
  });
});
