/** @jest-environment ./jest-env-jsdom.js */
import { act, fireEvent, render } from '@testing-library/react';
import React from 'react';

import { FakeRequester, jsonResponse } from '../../__tests__/fakes';
import { DeploymentInfo, DeploymentMonitoring, DeploymentsClient } from '../../api';
import { DeploymentsSection, monitoringFigures } from '../DeploymentsSection';
import { DeploymentsModel, isActive, servesText } from '../model';

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

function deployment(state: string, extra: Partial<DeploymentInfo> = {}): DeploymentInfo {
  const running = state === 'Running';
  return {
    name: 'churn',
    description: null,
    state,
    model_name: 'churn',
    model_version: 2,
    model_server: 'PYTHON',
    instances: 1,
    available_instances: 1,
    inference_logging: 'ALL',
    message: null,
    url: running ? 'http://127.0.0.1:9000' : null,
    inference_url: running ? 'http://127.0.0.1:9000/v1/models/churn:predict' : null,
    created_at: 1_718_000_000,
    updated_at: 1_718_000_100,
    ...extra
  };
}

function monitoring(extra: Partial<DeploymentMonitoring> = {}): DeploymentMonitoring {
  return {
    deployment: 'churn',
    window_s: 300,
    requests: 3,
    errors: 1,
    request_rate: 0.01,
    error_rate: 1 / 3,
    latency_ms: { p50: 2.5, p90: 4, p99: 4.8, max: 5 },
    timeline: [
      { t: 1_718_000_000, requests: 2, errors: 0, p50_ms: 2, p99_ms: 3 },
      { t: 1_718_000_010, requests: 1, errors: 1, p50_ms: 5, p99_ms: 5 },
      { t: 1_718_000_020, requests: 0, errors: 0, p50_ms: null, p99_ms: null }
    ],
    recent: [
      {
        ts: 1_718_000_012,
        model_version: '2',
        route: '/v1/models/churn:predict',
        status: 400,
        latency_ms: 5,
        request: '{"instances": 5}',
        response: null,
        error: 'cannot take this input',
        request_truncated: false,
        response_truncated: false
      },
      {
        ts: 1_718_000_001,
        model_version: '2',
        route: '/v1/models/churn:predict',
        status: 200,
        latency_ms: 2,
        request: '{"instances": [[1, 2, 3]]}',
        response: '{"predictions": [1]}',
        error: null,
        request_truncated: false,
        response_truncated: false
      }
    ],
    drift: [
      {
        feature: 'age',
        statistic: 'psi',
        reference: 40,
        current: 55,
        score: 0.4,
        threshold: 0.2,
        drifted: true,
        count: 3
      },
      {
        feature: '<b>income</b>',
        statistic: 'psi',
        reference: 10,
        current: 10.5,
        score: 0.05,
        threshold: 0.2,
        drifted: false,
        count: 3
      }
    ],
    drift_reason: null,
    log_folder: '/p/Logs/churn',
    figures: [
      {
        name: 'requests',
        figure: {
          data: [{ type: 'bar', name: 'requests', y: [2, 1, 0] }],
          layout: { title: { text: 'churn: 0.01 requests/s' } }
        }
      },
      { name: 'latency', figure: { data: [{ type: 'scatter', y: [2, 5, null] }], layout: {} } },
      { name: 'drift', figure: { data: [{ type: 'bar', y: [2, 0.25] }], layout: {} } }
    ],
    ...extra
  };
}

describe('texts and state', () => {
  it('says what a deployment serves and whether it can be stopped', () => {
    expect(
      servesText(deployment('Running', { instances: 2, available_instances: 2 }))
    ).toBe('churn v2 · PYTHON · 2 instances');
    expect(
      servesText(deployment('Running', { instances: 2, available_instances: 1 }))
    ).toBe('churn v2 · PYTHON · 1 of 2 instances');
    expect(
      servesText(deployment('Stopped', { instances: 2, available_instances: 0 }))
    ).toBe('churn v2 · PYTHON · 2 instances');
    expect(['Created', 'Starting', 'Running', 'Stopped', 'Failed'].map(s =>
      isActive(deployment(s))
    )).toEqual([false, true, true, false, false]);
  });
});

describe('monitoringFigures', () => {
  it("draws the server's figures by name, leaving out any that is not one", () => {
    const figures = monitoringFigures(monitoring());
    expect(figures.map(f => f.label)).toEqual(['requests', 'latency', 'drift']);
    expect(figures[0].figure.data).toEqual([{ type: 'bar', name: 'requests', y: [2, 1, 0] }]);
    expect(figures[0].figure.layout).toEqual({ title: { text: 'churn: 0.01 requests/s' } });
    const undrifted = monitoring({ drift: [], drift_reason: 'no training dataset' });
    expect(monitoringFigures(undrifted).map(f => f.label)).toEqual(['requests', 'latency']);
    const broken = monitoring({ figures: [{ name: 'broken', figure: { data: 'no' } }] });
    expect(monitoringFigures(broken)).toEqual([]);
  });
});

describe('DeploymentsModel', () => {
  let requester: FakeRequester;
  let model: DeploymentsModel;

  beforeEach(() => {
    requester = new FakeRequester();
    model = new DeploymentsModel(new DeploymentsClient(requester.request));
  });

  it('lists, unfolds one with its monitoring and polls both', async () => {
    requester.reply(() => jsonResponse({ deployments: [deployment('Running')] }));
    await model.refresh();
    expect(requester.calls[0].path).toBe('hopsml/api/deployments');
    requester.reply(() => jsonResponse(monitoring()));
    await model.open('churn');
    expect(requester.calls[1].path).toBe(
      'hopsml/api/deployments/churn/monitoring?window=300'
    );
    expect(model.monitoring.value?.requests).toBe(3);

    requester.reply(() => jsonResponse({ deployments: [deployment('Running')] }));
    requester.reply(() => jsonResponse(monitoring({ requests: 7 })));
    await model.refresh();
    expect(model.monitoring.value?.requests).toBe(7);

    // a failed poll keeps the numbers shown, with why they are not new
    requester.reply(() => jsonResponse({ deployments: [deployment('Running')] }));
    requester.reply(() => jsonResponse({ message: 'log unreadable', reason: null }, 500));
    await model.refresh();
    expect(model.monitoring.value?.requests).toBe(7);
    expect(model.monitoring.message).toBe('log unreadable');
  });

  it('starts and stops through the API, one call at a time per deployment', async () => {
    requester.reply(() => jsonResponse({ deployments: [deployment('Stopped')] }));
    await model.refresh();
    const held = requester.hold();
    const starting = model.start('churn');
    expect(model.busy('churn')).toBe(true);
    await model.start('churn'); // ignored while the first is under way
    held.resolve(jsonResponse(deployment('Starting'), 202));
    await starting;
    expect(requester.calls.map(c => [c.init?.method, c.path])).toEqual([
      ['GET', 'hopsml/api/deployments'],
      ['POST', 'hopsml/api/deployments/churn/start']
    ]);
    expect(model.busy('churn')).toBe(false);
    expect(model.deployments[0].state).toBe('Starting');

    requester.reply(() => jsonResponse({ message: 'no deployment', reason: null }, 404));
    await model.stop('churn');
    expect(requester.calls[2].path).toBe('hopsml/api/deployments/churn/stop');
    expect(model.error).toBe('churn: no deployment');
  });

  it('keeps the state a start answered over a list asked for before it', async () => {
    const list = requester.hold();
    const polling = model.refresh();
    requester.reply(() => jsonResponse(deployment('Starting'), 202));
    await model.start('churn');
    list.resolve(jsonResponse({ deployments: [deployment('Stopped')] }));
    await polling;
    expect(model.deployments).toEqual([]); // the stale list was dropped
  });
});

describe('DeploymentsSection', () => {
  it('shows the state, a start or stop button and the unfolded monitoring', async () => {
    const requester = new FakeRequester()
      .reply(() =>
        jsonResponse({
          deployments: [deployment('Running'), deployment('Failed', { name: 'iris', message: 'RuntimeError: no' })]
        })
      )
      .reply(() => jsonResponse(monitoring()));
    const model = new DeploymentsModel(new DeploymentsClient(requester.request));
    const actions = { start: jest.fn(), stop: jest.fn() };
    const { container } = render(<DeploymentsSection model={model} actions={actions} />);
    await act(() => model.refresh());
    const churn = container.querySelector('li[data-deployment-name="churn"]')!;
    const iris = container.querySelector('li[data-deployment-name="iris"]')!;
    expect(iris.querySelector('.hopsml-Deployment-failure')!.textContent).toBe(
      'RuntimeError: no'
    );
    expect(churn.querySelector('[data-state]')!.textContent).toBe('Running');
    expect(churn.querySelector('.hopsml-Status-running')).not.toBeNull();
    fireEvent.click(churn.querySelector('button.hopsml-Deployment-stop')!);
    expect(actions.stop).toHaveBeenCalledWith('churn');
    fireEvent.click(iris.querySelector('button.hopsml-Deployment-start')!);
    expect(actions.start).toHaveBeenCalledWith('iris');

    fireEvent.click(churn.querySelector('button.hopsml-Deployment-open')!);
    await settle();
    expect(churn.querySelector('[data-requests]')!.textContent).toBe('3');
    expect(churn.textContent).toContain('1 (33.33%)');
    expect(churn.textContent).toContain('2.5 / 4.8 ms');
    expect(churn.textContent).toContain('http://127.0.0.1:9000/v1/models/churn:predict');
    const rows = churn.querySelectorAll('table.hopsml-Deployment-recent tbody tr');
    expect([...rows].map(r => r.getAttribute('data-status'))).toEqual(['400', '200']);
    expect(rows[0].textContent).toContain('cannot take this input');
    const charts = [...churn.querySelectorAll('.hopsml-Plot')].map(p =>
      p.getAttribute('data-chart')
    );
    expect(charts).toEqual(['requests', 'latency', 'drift']);
    const drawn = plotly.react.mock.calls.map(call => (call[1] as { y: unknown }[])[0].y);
    expect(drawn).toContainEqual([2, 1, 0]);
  });

  it('says how to deploy when nothing is deployed', async () => {
    const requester = new FakeRequester().reply(() => jsonResponse({ deployments: [] }));
    const model = new DeploymentsModel(new DeploymentsClient(requester.request));
    const { container } = render(
      <DeploymentsSection model={model} actions={{ start: jest.fn(), stop: jest.fn() }} />
    );
    await act(() => model.refresh());
    expect(container.textContent).toContain('No deployments yet');
  });
});
