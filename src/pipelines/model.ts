/** State of the Pipelines sidebar; views redraw on `changed`. */
import { ISignal, Signal } from '@lumino/signaling';

import { errorMessage } from '../api';
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
export class PipelinesModel {
  constructor(private readonly client: PipelinesClient) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get pipelines(): readonly PipelineSummary[] {
    return this._pipelines;
  }
  get loaded(): boolean {
    return this._loaded;
  }
  /** Why the list, or the last start, failed; null: it did not. */
  get error(): string | null {
    return this._actionError ?? this._listError;
  }
  /** The pipeline unfolded; null: none. */
  get selected(): string | null {
    return this._selected;
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
      this._pipelines.some(p => isRunning(p.last_run)) ||
      (this._detail.value?.runs.some(isRunning) ?? false)
    );
  }

  /** One poll: ask again when a run is active, or when the last answer is old. */
  async poll(now: number = Date.now()): Promise<void> {
    if (this.active || !this._loaded || now - this._refreshedAt >= IDLE_REFRESH_MS) {
      await this.refresh(now);
    }
  }

  /** The list again, and the unfolded pipeline's runs. */
  async refresh(now: number = Date.now()): Promise<void> {
    const asked = ++this._generation;
    this._refreshedAt = now;
    try {
      const list = await this.client.listPipelines();
      if (asked !== this._generation) {
        return;
      }
      this._pipelines = list.pipelines;
      this._listError = null;
    } catch (error) {
      if (asked !== this._generation) {
        return;
      }
      this._listError = errorMessage(error);
    }
    this._loaded = true;
    this._changed.emit();
    if (this._selected !== null) {
      await this.loadDetail(this._selected);
    }
  }

  /** Unfold a pipeline (its runs), or fold it (null, or the one unfolded). */
  async open(name: string | null): Promise<void> {
    const closing = name === null || name === this._selected;
    this._selected = closing ? null : name;
    this._detail = emptyPart();
    this._log = emptyPart();
    this._logKey = null;
    this._changed.emit();
    if (!closing) {
      await this.loadDetail(name);
    }
  }

  /** Start a run of `name` in the server, unfold it and follow it. */
  async run(name: string): Promise<number | null> {
    if (this._starting.has(name)) {
      return null;
    }
    this._starting.add(name);
    this._actionError = null;
    this._changed.emit();
    let runId: number | null = null;
    try {
      runId = (await this.client.runPipeline(name)).run_id;
    } catch (error) {
      this._actionError = `${name}: ${errorMessage(error)}`;
    } finally {
      this._starting.delete(name);
    }
    if (runId !== null && this._selected !== name) {
      this._selected = name;
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
    this._changed.emit();
    if (same) {
      return;
    }
    const log = await part(this.client.getLog(executionId, stream));
    if (this._logKey?.executionId === executionId && this._logKey.stream === stream) {
      this._log = log;
      this._changed.emit();
    }
  }

  private async loadDetail(name: string): Promise<void> {
    const asked = ++this._detailGeneration;
    const detail = await part(this.client.getPipeline(name));
    if (asked !== this._detailGeneration || this._selected !== name) {
      return;
    }
    // A failed poll keeps what was shown, with the message.
    this._detail =
      detail.value === null && this._detail.value !== null
        ? { ...this._detail, message: detail.message }
        : detail;
    this._changed.emit();
    const key = this._logKey;
    if (key !== null && this.stageOf(key.executionId)?.state === 'RUNNING') {
      const log = await part(this.client.getLog(key.executionId, key.stream));
      if (this._logKey === key) {
        this._log = log;
        this._changed.emit();
      }
    }
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

  private _pipelines: PipelineSummary[] = [];
  private _loaded = false;
  private _listError: string | null = null;
  private _actionError: string | null = null;
  private _selected: string | null = null;
  private _detail: IPart<PipelineDetail> = emptyPart();
  private _log: IPart<LogTail> = emptyPart();
  private _logKey: ILogKey | null = null;
  private _starting = new Set<string>();
  private _refreshedAt = 0;
  private _generation = 0;
  private _detailGeneration = 0;
  private _changed = new Signal<this, void>(this);
}
