/** The pipelines' REST routes: the pipelines with their last runs, one pipeline with its
 * recent runs, starting a run, and the tail of a job execution's log. */
import { API_BASE, Requester, callApi, withQuery } from '../api';
import type { components } from '../openapi';

type Schemas = components['schemas'];
export type PipelineSummary = Schemas['PipelineSummary'];
export type PipelineList = Schemas['PipelineList'];
export type PipelineDetail = Schemas['PipelineDetail'];
export type PipelineRun = Schemas['RunInfo'];
export type StageRun = Schemas['StageRunInfo'];
export type RunStarted = Schemas['RunStarted'];
export type LogTail = Schemas['LogTail'];
export type LogStream = LogTail['stream'];

const PIPELINES = `${API_BASE}/pipelines`;

export class PipelinesClient {
  constructor(private readonly request: Requester) {}

  listPipelines(): Promise<PipelineList> {
    return this.send(PIPELINES, 'GET');
  }

  /** A pipeline's stages and recent runs, newest first. */
  getPipeline(name: string): Promise<PipelineDetail> {
    return this.send(`${PIPELINES}/${encodeURIComponent(name)}`, 'GET');
  }

  /** Start a run in the server; answers its id at once. */
  runPipeline(name: string): Promise<RunStarted> {
    return this.send(`${PIPELINES}/${encodeURIComponent(name)}/run`, 'POST');
  }

  /** The end of an execution's stdout or stderr. */
  getLog(executionId: number, stream: LogStream): Promise<LogTail> {
    const path = `${API_BASE}/jobs/executions/${encodeURIComponent(String(executionId))}/log`;
    return this.send(withQuery(path, { stream }), 'GET');
  }

  private async send<T>(path: string, method: string): Promise<T> {
    const response = await callApi(this.request, path, { method });
    return (await response.json()) as T;
  }
}
