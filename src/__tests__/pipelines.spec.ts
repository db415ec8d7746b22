/** The Pipelines sidebar's model over a scripted Requester: what it asks the server,
 * when polls ask again (every poll while a run is active, now and then otherwise),
 * starting a run and following it, log tails, and errors shown with the server's word. */
import { PipelineDetail, PipelineRun, PipelinesClient, PipelineSummary } from '../pipelines/client';
import { IDLE_REFRESH_MS, PipelinesModel, isRunning } from '../pipelines/model';
import { FakeRequester, jsonResponse } from './fakes';

function run(id: number, state: string, stages: [string, string][]): PipelineRun {
  return {
    id,
    pipeline: 'churn',
    state,
    success: state === 'RUNNING' ? null : state === 'FINISHED',
    started_at: 1_718_000_000,
    finished_at: state === 'RUNNING' ? null : 1_718_000_004,
    duration_s: state === 'RUNNING' ? null : 4,
    failed_stage: null,
    error: null,
    stages: stages.map(([stage, stageState], n) => ({
      stage,
      job_name: stage,
      state: stageState,
      attempts: stageState === 'PENDING' ? 0 : 1,
      execution_id: stageState === 'PENDING' ? null : 10 + n,
      started_at: null,
      finished_at: null,
      duration_s: stageState === 'FINISHED' ? 1.5 : null,
      error: null,
      stdout_path: null,
      stderr_path: null,
      output_notebook: null,
      notebook_lab_path: null
    }))
  };
}

function summary(last: PipelineRun | null): PipelineSummary {
  return {
    name: 'churn',
    stages: ['ingest', 'train'],
    schedule: null,
    wait_for: null,
    description: null,
    last_run: last
  };
}

function detail(runs: PipelineRun[]): PipelineDetail {
  return {
    name: 'churn',
    stages: [
      { name: 'ingest', job: 'ingest', after: [], app_path: 'Jobs/ingest.ipynb' },
      { name: 'train', job: 'train', after: ['ingest'], app_path: 'Jobs/train.py' }
    ],
    schedule: null,
    wait_for: null,
    description: null,
    runs
  };
}

const RUNNING = run(7, 'RUNNING', [
  ['ingest', 'RUNNING'],
  ['train', 'PENDING']
]);
const DONE = run(7, 'FINISHED', [
  ['ingest', 'FINISHED'],
  ['train', 'FINISHED']
]);

function setup(): { requester: FakeRequester; model: PipelinesModel } {
  const requester = new FakeRequester();
  return { requester, model: new PipelinesModel(new PipelinesClient(requester.request)) };
}

describe('PipelinesModel', () => {
  it('lists the pipelines and asks again only now and then while nothing runs', async () => {
    const { requester, model } = setup();
    requester.reply(() => jsonResponse({ pipelines: [summary(DONE)] }));
    await model.poll(1000);
    expect(requester.calls.map(c => c.path)).toEqual(['hopsml/api/pipelines']);
    expect(model.loaded).toBe(true);
    expect(model.pipelines[0].last_run?.state).toBe('FINISHED');
    expect(model.active).toBe(false);

    await model.poll(1000 + IDLE_REFRESH_MS - 1); // idle and fresh: no request
    expect(requester.calls).toHaveLength(1);
    requester.reply(() => jsonResponse({ pipelines: [summary(RUNNING)] }));
    await model.poll(1000 + IDLE_REFRESH_MS);
    expect(requester.calls).toHaveLength(2);
    expect(model.active).toBe(true);
    requester.reply(() => jsonResponse({ pipelines: [summary(DONE)] }));
    await model.poll(1000 + IDLE_REFRESH_MS + 1); // a run is active: every poll asks
    expect(requester.calls).toHaveLength(3);
    expect(model.active).toBe(false);
  });

  it('starts a run, unfolds the pipeline and follows it to its end', async () => {
    const { requester, model } = setup();
    requester
      .reply(() => jsonResponse({ pipeline: 'churn', run_id: 7 }, 202, 'Accepted'))
      .reply(() => jsonResponse({ pipelines: [summary(RUNNING)] }))
      .reply(() => jsonResponse(detail([RUNNING])));
    const runId = await model.run('churn');
    expect(runId).toBe(7);
    expect(requester.calls[0].path).toBe('hopsml/api/pipelines/churn/run');
    expect(requester.calls[0].init?.method).toBe('POST');
    expect(requester.calls[2].path).toBe('hopsml/api/pipelines/churn');
    expect(model.selected).toBe('churn');
    expect(model.detail.value?.runs[0].stages.map(s => s.state)).toEqual([
      'RUNNING',
      'PENDING'
    ]);
    expect(model.active).toBe(true);

    requester
      .reply(() => jsonResponse({ pipelines: [summary(DONE)] }))
      .reply(() => jsonResponse(detail([DONE])));
    await model.poll();
    expect(model.detail.value?.runs.map(isRunning)).toEqual([false]);
    expect(model.detail.value?.runs[0].stages.map(s => s.duration_s)).toEqual([1.5, 1.5]);
    expect(model.active).toBe(false);
  });

  it('shows the server’s word when a run cannot start', async () => {
    const { requester, model } = setup();
    requester
      .reply(() =>
        jsonResponse(
          { message: 'pipeline waits waits for Resources/raw/_SUCCESS', reason: null },
          409,
          'Conflict'
        )
      )
      .reply(() => jsonResponse({ pipelines: [summary(null)] }));
    expect(await model.run('waits')).toBeNull();
    expect(model.error).toBe('waits: pipeline waits waits for Resources/raw/_SUCCESS');
    expect(model.selected).toBeNull();
  });

  it('shows a stage log tail on click, and hides it on a second click', async () => {
    const { requester, model } = setup();
    requester.reply(() =>
      jsonResponse({
        execution_id: 11,
        job_name: 'train',
        stream: 'stderr',
        path: 'Logs/train/11/stderr.log',
        text: 'no data today\n',
        truncated: false
      })
    );
    await model.showLog(11, 'stderr');
    expect(requester.calls[0].path).toBe('hopsml/api/jobs/executions/11/log?stream=stderr');
    expect(model.logKey).toEqual({ executionId: 11, stream: 'stderr' });
    expect(model.log.value?.text).toBe('no data today\n');
    await model.showLog(11, 'stderr');
    expect(model.logKey).toBeNull();
    expect(requester.calls).toHaveLength(1);
  });

  it('names pipelines safely in the URL', async () => {
    const { requester, model } = setup();
    requester.reply(() => jsonResponse({ message: 'no pipeline', reason: null }, 404));
    await model.open('a/b?c');
    expect(requester.calls[0].path).toBe('hopsml/api/pipelines/a%2Fb%3Fc');
    expect(model.detail.missing).toBe(true);
  });
});
