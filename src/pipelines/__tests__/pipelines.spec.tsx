/** @jest-environment ./jest-env-jsdom.js */
/** The Pipelines section's view over a scripted Requester: each pipeline with its last
 * run's badge and Run button; unfolded, the runs with stage badges and durations, the
 * log tail on click, and the executed notebook opened through the actions. */
import { act, fireEvent, render } from '@testing-library/react';
import React from 'react';

import { FakeRequester, jsonResponse } from '../../__tests__/fakes';
import { PipelineRun, PipelinesClient } from '../client';
import { PipelinesModel } from '../model';
import { PipelinesSection } from '../PipelinesSection';

async function settle(): Promise<void> {
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 0));
  });
}

const RUN: PipelineRun = {
  id: 3,
  pipeline: 'daily',
  state: 'FAILED',
  success: false,
  started_at: 1_718_000_000,
  finished_at: 1_718_000_009,
  duration_s: 9,
  failed_stage: 'report',
  error: 'stage report failed: no rows',
  stages: [
    {
      stage: 'prepare',
      job_name: 'prepare',
      state: 'FINISHED',
      attempts: 1,
      execution_id: 5,
      started_at: 1_718_000_000,
      finished_at: 1_718_000_004.5,
      duration_s: 4.5,
      error: null,
      stdout_path: 'Logs/prepare/5/stdout.log',
      stderr_path: 'Logs/prepare/5/stderr.log',
      output_notebook: 'Jobs/prepare/executions/5/prepare.ipynb',
      notebook_lab_path: 'project/Jobs/prepare/executions/5/prepare.ipynb'
    },
    {
      stage: 'report',
      job_name: 'report',
      state: 'FAILED',
      attempts: 1,
      execution_id: 6,
      started_at: 1_718_000_005,
      finished_at: 1_718_000_009,
      duration_s: 4,
      error: 'no rows',
      stdout_path: 'Logs/report/6/stdout.log',
      stderr_path: 'Logs/report/6/stderr.log',
      output_notebook: null,
      notebook_lab_path: null
    }
  ]
};

it('shows runs, stage badges, a log tail, and opens the executed notebook', async () => {
  const requester = new FakeRequester();
  const model = new PipelinesModel(new PipelinesClient(requester.request));
  const run = jest.fn();
  const openNotebook = jest.fn();
  const view = render(<PipelinesSection model={model} actions={{ run, openNotebook }} />);
  requester.reply(() =>
    jsonResponse({
      pipelines: [
        {
          name: 'daily',
          stages: ['prepare', 'report'],
          schedule: '@daily',
          wait_for: null,
          description: null,
          last_run: RUN
        }
      ]
    })
  );
  await act(() => model.refresh());
  const item = view.container.querySelector('[data-pipeline-name="daily"]')!;
  expect(item.textContent).toContain('prepare → report · @daily');
  expect(item.querySelector('.hopsml-Status')!.textContent).toBe('FAILED');

  fireEvent.click(item.querySelector('button.hopsml-Pipeline-run-button')!);
  expect(run).toHaveBeenCalledWith('daily');

  requester.reply(() =>
    jsonResponse({ name: 'daily', stages: [], schedule: null, wait_for: null, runs: [RUN] })
  );
  fireEvent.click(item.querySelector('button.hopsml-Pipeline-open')!);
  await settle();
  const rows = view.container.querySelectorAll('li[data-run-id="3"] tbody tr');
  expect([...rows].map(r => r.getAttribute('data-state'))).toEqual(['FINISHED', 'FAILED']);
  expect(rows[0].querySelector('.hopsml-Pipeline-duration')!.textContent).toBe('4.5 s');
  expect(view.container.textContent).toContain('stage report failed: no rows');

  fireEvent.click(rows[0].querySelector('button.hopsml-Pipeline-notebook')!);
  expect(openNotebook).toHaveBeenCalledWith('project/Jobs/prepare/executions/5/prepare.ipynb');
  expect(rows[1].querySelector('button.hopsml-Pipeline-notebook')).toBeNull();

  requester.reply(() =>
    jsonResponse({
      execution_id: 6,
      job_name: 'report',
      stream: 'stderr',
      path: 'Logs/report/6/stderr.log',
      text: 'ValueError: no rows\n',
      truncated: false
    })
  );
  fireEvent.click(rows[1].querySelector('button[data-stream="stderr"]')!);
  await settle();
  expect(requester.calls[requester.calls.length - 1].path).toBe('hopsml/api/jobs/executions/6/log?stream=stderr');
  expect(view.container.querySelector('.hopsml-Pipeline-logTail pre')!.textContent).toBe(
    'ValueError: no rows\n'
  );
});
