/** One TensorBoard for a set of experiments: started on the server, then shown. */
import { ISignal, Signal } from '@lumino/signaling';

import { ApiError, HopsMLClient, TensorBoardRecord, errorMessage } from '../api';

export type TensorBoardState = 'idle' | 'starting' | 'ready' | 'failed' | 'stopped';

/** The same key for the same set of experiments, whatever the order. */
export function tensorBoardKey(ids: readonly string[]): string {
  return [...new Set(ids)].sort().join(' ');
}

/** The tab title: the experiment's name when given, else its id or how many. */
export function tensorBoardTitle(ids: readonly string[], label?: string): string {
  const what = label || (ids.length === 1 ? ids[0] : `${ids.length} experiments`);
  return `TensorBoard: ${what}`;
}

export class TensorBoardModel {
  constructor(
    private readonly client: HopsMLClient,
    ids: readonly string[]
  ) {
    this.ids = [...new Set(ids)];
    this.key = tensorBoardKey(this.ids);
  }

  readonly ids: readonly string[];
  readonly key: string;

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get state(): TensorBoardState {
    return this._state;
  }
  /** The running TensorBoard once the server answered. */
  get record(): TensorBoardRecord | null {
    return this._record;
  }
  get error(): string | null {
    return this._error;
  }

  /** Ask the server for the TensorBoard; it answers once TensorBoard serves. */
  async start(): Promise<void> {
    if (this._state === 'starting') {
      return;
    }
    const generation = ++this._generation;
    this.set('starting', null);
    try {
      const record = await this.client.startTensorBoard([...this.ids]);
      if (generation === this._generation) {
        this._record = record;
        this.set('ready', null);
      } else if (this._state === 'stopped') {
        // Stop was pressed while it started: stop what the server started after all.
        await this.client.stopTensorBoard(record.id).catch(() => undefined);
      }
    } catch (error) {
      if (generation === this._generation) {
        this.set('failed', errorMessage(error));
      }
    }
  }

  /** Stop the server's process; one already gone counts as stopped. */
  async stop(): Promise<void> {
    const record = this._record;
    ++this._generation; // a start still under way no longer shows
    if (record) {
      try {
        await this.client.stopTensorBoard(record.id);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) {
          throw error;
        }
      }
    }
    this._record = null;
    this.set('stopped', null);
  }

  private set(state: TensorBoardState, error: string | null): void {
    this._state = state;
    this._error = error;
    this._changed.emit();
  }

  private _state: TensorBoardState = 'idle';
  private _record: TensorBoardRecord | null = null;
  private _error: string | null = null;
  private _generation = 0;
  private _changed = new Signal<this, void>(this);
}
