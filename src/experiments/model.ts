/** State of the experiment views; views read it and redraw on `changed`. */
import { ISignal, Signal } from '@lumino/signaling';

import {
  ExperimentDetail,
  ExperimentSummary,
  HopsMLClient,
  ListQuery,
  errorMessage
} from '../api';

/** The most rows one request asks for (the server's limit). */
export const MAX_PAGE = 500;

type LoadMode = 'replace' | 'append' | 'head';

/** The experiment list of the sidebar: filters, sort, pages loaded so far, and the
 * experiments ticked for comparison (kept across filter changes). */
export class ExperimentListModel {
  constructor(
    private readonly client: HopsMLClient,
    private readonly pageSize = 50
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get experiments(): readonly ExperimentSummary[] {
    return this._experiments;
  }
  get total(): number {
    return this._total;
  }
  get hasMore(): boolean {
    return this._nextToken !== null;
  }
  get loading(): boolean {
    return this._loading;
  }
  get error(): string | null {
    return this._error;
  }
  get query(): Readonly<ListQuery> {
    return this._query;
  }
  get selected(): ReadonlySet<string> {
    return this._selected;
  }

  /** Tick or untick an experiment for comparison. */
  select(id: string, selected: boolean): void {
    if (this._selected.has(id) === selected) {
      return;
    }
    this._selected = new Set(this._selected);
    if (selected) {
      this._selected.add(id);
    } else {
      this._selected.delete(id);
    }
    this._changed.emit();
  }

  clearSelection(): void {
    if (this._selected.size > 0) {
      this._selected = new Set();
      this._changed.emit();
    }
  }

  /** Change filters or sort and load the first page again. */
  setQuery(change: Partial<ListQuery>): Promise<void> {
    this._query = { ...this._query, ...change, next_token: undefined };
    return this.reload('replace');
  }

  /**
   * Reload from the first page, keeping as many rows as were shown. Past MAX_PAGE rows
   * (scrolled deep into a long history) only the first page is fetched again and put in
   * front of the rows after it, so the list neither shrinks nor jumps under the reader.
   */
  refresh(): Promise<void> {
    return this.reload(this._experiments.length > MAX_PAGE ? 'head' : 'replace');
  }

  async loadMore(): Promise<void> {
    if (this._nextToken === null || this._loading) {
      return;
    }
    const generation = ++this._generation;
    await this.load(
      generation,
      { ...this._query, limit: this.pageSize, next_token: this._nextToken },
      'append'
    );
  }

  private async reload(mode: 'replace' | 'head'): Promise<void> {
    const generation = ++this._generation;
    const limit = Math.min(MAX_PAGE, Math.max(this.pageSize, this._experiments.length));
    await this.load(generation, { ...this._query, limit }, mode);
  }

  private async load(generation: number, query: ListQuery, mode: LoadMode) {
    this._loading = true;
    this._changed.emit();
    try {
      const page = await this.client.listExperiments(query);
      if (generation !== this._generation) {
        return; // a newer request superseded this one
      }
      this._total = page.total;
      this._error = null;
      if (mode === 'append') {
        this._experiments = [...this._experiments, ...page.experiments];
        this._nextToken = page.next_token;
      } else if (mode !== 'head' || !this.mergeHead(page.experiments, page.next_token)) {
        this._experiments = page.experiments;
        this._nextToken = page.next_token;
      }
    } catch (error) {
      if (generation === this._generation) {
        this._error = errorMessage(error);
      }
    } finally {
      if (generation === this._generation) {
        this._loading = false;
        this._changed.emit();
      }
    }
  }

  /** Fresh first rows, then the loaded rows after the last of them (the paging token
   * still continues after the last loaded row). False when they do not join up. */
  private mergeHead(head: ExperimentSummary[], nextToken: string | null): boolean {
    const last = head[head.length - 1];
    const at = last ? this._experiments.findIndex(e => e.id === last.id) : -1;
    if (nextToken === null || at < 0) {
      return false;
    }
    const fresh = new Set(head.map(e => e.id));
    const rest = this._experiments.slice(at + 1).filter(e => !fresh.has(e.id));
    this._experiments = [...head, ...rest];
    return true;
  }

  private _experiments: ExperimentSummary[] = [];
  private _total = 0;
  private _nextToken: string | null = null;
  private _loading = false;
  private _error: string | null = null;
  private _generation = 0;
  private _query: ListQuery = { sort: '-created_at' };
  private _selected: Set<string> = new Set();
  private _changed = new Signal<this, void>(this);
}

/** One experiment shown in the main area. */
export class ExperimentDetailModel {
  constructor(
    private readonly client: HopsMLClient,
    readonly id: string
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get detail(): ExperimentDetail | null {
    return this._detail;
  }
  get error(): string | null {
    return this._error;
  }

  async refresh(): Promise<void> {
    const generation = ++this._generation;
    try {
      const detail = await this.client.getExperiment(this.id);
      if (generation === this._generation) {
        this._detail = detail;
        this._error = null;
      }
    } catch (error) {
      if (generation === this._generation) {
        this._error = errorMessage(error);
      }
    }
    this._changed.emit();
  }

  private _detail: ExperimentDetail | null = null;
  private _error: string | null = null;
  private _generation = 0;
  private _changed = new Signal<this, void>(this);
}
