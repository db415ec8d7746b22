/** State of the Pipelines sidebar; views redraw on `changed`. */
import { errorMessage } from '../api';
import { UnfoldingListModel } from '../shared/listing';
import { IPart, emptyPart, part } from '../shared/part';
import {
  LogStream,
  LogTail,
  PipelineDetail,
  PipelineRun,
  PipelineSummary,
  PipelinesClient
} from './client';

/** While no run is active, the list is asked again at most this often (ms). */
export const IDLE_REFRESH_MS = 10000;

/** The badge colour (base.css) of each run and stage state. */
export const STATE_BADGE: Record<string, string> = {
  FINISHED: 'finished',
  RUNNING: 'running',
  FAILED: 'failed',
  PENDING: 'queued',
  SKIPPED: 'lost'
};

export function isRunning(run: PipelineRun | null | undefined): boolean {
  return run?.state === 'RUNNING';
}

/** The stage log the view shows: which execution and stream. */
export interface ILogKey {
  executionId: number;
  stream: LogStream;
}

/**
 * The project's pipelines with their last runs; the unfolded one's stages and recent
 * runs; starting a run; the log tail of the stage clicked. Asks the server again on
 * each poll while a run is active, and now and then otherwise.
 */
export class PipelinesModel extends UnfoldingListModel<PipelineSummary> {
  constructor(private readonly client: PipelinesClient) {
    super(async () => (await client.listPipelines()).pipelines);
  }

  get pipelines(): readonly PipelineSummary[] {
    return this.list.items;
  }
  get detail(): IPart<PipelineDetail> {
    return this._detail;
  }
  get log(): IPart<LogTail> {
    return this._log;
  }
  get logKey(): ILogKey | null {
    return this._logKey;
  }
  /** Whether a start of `name` is under way. */
  starting(name: string): boolean {
    return this._starting.has(name);
  }

  /** Whether some run shown is still going (polls then ask every time). */
  get active(): boolean {
    return (
      this.list.items.some(p => isRunning(p.last_run)) ||
      (this._detail.value?.runs.some(isRunning) ?? false)
    );
  }

  /** One poll: ask again when a run is active, or when the last answer is old. */
  async poll(now: number = Date.now()): Promise<void> {
    if (this.active || !this.list.loaded || now - this._refreshedAt >= IDLE_REFRESH_MS) {
      await this.refresh(now);
    }
  }

  /** The list again, and the unfolded pipeline's runs. */
  async refresh(now: number = Date.now()): Promise<void> {
    this._refreshedAt = now;
    await super.refresh();
  }

  /** Start a run of `name` in the server, unfold it and follow it. */
  async run(name: string): Promise<number | null> {
    if (this._starting.has(name)) {
      return null;
    }
    this._starting.add(name);
    this.actionError = null;
    this.emitChanged();
    let runId: number | null = null;
    try {
      runId = (await this.client.runPipeline(name)).run_id;
    } catch (error) {
      this.actionError = `${name}: ${errorMessage(error)}`;
    } finally {
      this._starting.delete(name);
    }
    if (runId !== null && this.unfolded !== name) {
      this.unfolded = name;
      this._detail = emptyPart();
    }
    await this.refresh();
    return runId;
  }

  /** Show the tail of a stage's log (again: hide it). */
  async showLog(executionId: number, stream: LogStream = 'stdout'): Promise<void> {
    const same =
      this._logKey?.executionId === executionId && this._logKey.stream === stream;
    this._logKey = same ? null : { executionId, stream };
    this._log = emptyPart();
    this.emitChanged();
    if (same) {
      return;
    }
    const log = await part(this.client.getLog(executionId, stream));
    if (this._logKey?.executionId === executionId && this._logKey.stream === stream) {
      this._log = log;
      this.emitChanged();
    }
  }

  /** The unfolded pipeline's runs, and the log shown while its stage runs. */
  protected async loadDetail(name: string): Promise<void> {
    const asked = ++this._detailGeneration;
    const detail = await part(this.client.getPipeline(name));
    if (asked !== this._detailGeneration || this.unfolded !== name) {
      return;
    }
    // A failed poll keeps what was shown, with the message.
    this._detail =
      detail.value === null && this._detail.value !== null
        ? { ...this._detail, message: detail.message }
        : detail;
    this.emitChanged();
    const key = this._logKey;
    if (key !== null && this.stageOf(key.executionId)?.state === 'RUNNING') {
      const log = await part(this.client.getLog(key.executionId, key.stream));
      if (this._logKey === key) {
        this._log = log;
        this.emitChanged();
      }
    }
  }

  protected clearDetail(): void {
    this._detail = emptyPart();
    this._log = emptyPart();
    this._logKey = null;
  }

  private stageOf(executionId: number): PipelineRun['stages'][number] | undefined {
    for (const run of this._detail.value?.runs ?? []) {
      const stage = run.stages.find(s => s.execution_id === executionId);
      if (stage) {
        return stage;
      }
    }
    return undefined;
  }

  private _detail: IPart<PipelineDetail> = emptyPart();
  private _log: IPart<LogTail> = emptyPart();
  private _logKey: ILogKey | null = null;
  private _starting = new Set<string>();
  private _refreshedAt = 0;
  private _detailGeneration = 0;
}
