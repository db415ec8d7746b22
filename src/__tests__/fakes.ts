/** Test doubles shared by the specs: a scripted Requester and fixtures. */
import type {
  ExperimentDetail,
  ExperimentPage,
  ExperimentSummary,
  MetricSeries,
  Requester,
  TensorBoardRecord,
  TrialRecord
} from '../api';

export interface IRecordedCall {
  path: string;
  init: RequestInit | undefined;
}

/** A promise whose settlement the test controls. */
export interface IDeferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T>(): IDeferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A Requester that records every call and answers from a queue of
 * responders (one per call, in order). Fails the test on an unexpected call.
 */
export class FakeRequester {
  readonly calls: IRecordedCall[] = [];

  readonly request: Requester = (path, init) => {
    this.calls.push({ path, init });
    const next = this.queue.shift();
    if (!next) {
      return Promise.reject(new Error(`unexpected request: ${path}`));
    }
    return next();
  };

  /** Answer the next call with this response. */
  reply(response: () => Response): this {
    this.queue.push(() => Promise.resolve(response()));
    return this;
  }

  /** Answer the next call with a response the test releases later. */
  hold(): IDeferred<Response> {
    const d = deferred<Response>();
    this.queue.push(() => d.promise);
    return d;
  }

  /** Answer the next call by rejecting (a network failure). */
  fail(reason: unknown): this {
    this.queue.push(() => Promise.reject(reason));
    return this;
  }

  /** The query parameters of the n-th call, as a plain object. */
  query(n: number): Record<string, string> {
    const path = this.calls[n].path;
    const search = path.includes('?') ? path.slice(path.indexOf('?') + 1) : '';
    return Object.fromEntries(new URLSearchParams(search).entries());
  }

  private queue: Array<() => Promise<Response>> = [];
}

export function jsonResponse(body: unknown, status = 200, statusText = 'OK'): Response {
  return new Response(JSON.stringify(body), {
    status,
    statusText,
    headers: { 'Content-Type': 'application/json' }
  });
}

export function summary(id: string, extra: Partial<ExperimentSummary> = {}): ExperimentSummary {
  return {
    best_trial: null,
    created_at: 1_700_000_000,
    description: null,
    direction: 'MAX',
    duration_s: null,
    error: null,
    finished_at: null,
    id,
    kind: 'launch',
    metric_key: null,
    metric_value: null,
    name: `experiment ${id}`,
    status: 'finished',
    trial_count: 1,
    updated_at: 1_700_000_000,
    user: 'alice',
    ...extra
  };
}

export function page(
  ids: string[],
  nextToken: string | null = null,
  total = ids.length
): ExperimentPage {
  return { experiments: ids.map(id => summary(id)), next_token: nextToken, total };
}

export function detail(id: string, extra: Partial<ExperimentDetail> = {}): ExperimentDetail {
  return {
    ...summary(id),
    logdir: `/tmp/hopsml/${id}`,
    metrics: {},
    notebook: null,
    trials: [],
    ...extra
  };
}

/** A finished trial; `metric` is its metric_value and its `accuracy` result. */
export function trial(
  key: string,
  params: Record<string, unknown>,
  metric: number | null,
  extra: Partial<TrialRecord> = {}
): TrialRecord {
  return {
    key,
    status: 'finished',
    params,
    results: metric === null ? {} : { accuracy: metric },
    metric_value: metric,
    logdir: `/p/${key}`,
    error: null,
    started_at: null,
    finished_at: null,
    duration_s: null,
    metrics: [],
    ...extra
  };
}

/** A metric series with steps 0, 1, 2, ... */
export function series(name: string, values: number[]): MetricSeries {
  return { name, steps: values.map((_, n) => n), values };
}

/** A running TensorBoard for these experiments, as the server answers. */
export function tensorBoard(
  id: string,
  experiments: string[],
  extra: Partial<TensorBoardRecord> = {}
): TensorBoardRecord {
  return {
    id,
    url: `/hopsml/tensorboard/${id}/`,
    experiments,
    pid: 4242,
    started_at: 1_700_000_000,
    last_activity: 1_700_000_000,
    ...extra
  };
}

/** Let pending promise callbacks run. */
export function flush(): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, 0));
}
