/** State of the experiment views; views read it and redraw on `changed`. */
import { ISignal, Signal } from '@lumino/signaling';

import {
  API_BASE,
  ApiError,
  ExperimentDetail,
  ExperimentSummary,
  HopsMLClient,
  ListQuery,
  Requester,
  TrialRecord,
  errorMessage
} from '../api';
import type { components, operations } from '../openapi';

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

/** A page of an experiment's trials, as the trials route answers. */
export type TrialPage = components['schemas']['TrialPage'];
/** Order and page of the trials route (`GET experiments/<id>/trials`). */
export type TrialQuery = NonNullable<operations['listTrials']['parameters']['query']>;
/** The detail route's query: a page of trials, and how many best ones for the charts. */
export type DetailQuery = NonNullable<operations['getExperiment']['parameters']['query']>;

/** The trials of a page the detail view asks for. */
export const TRIAL_PAGE = 50;
/** The best trials (not on the page) the detail's charts draw besides the page's. */
export const CHART_TOP = 10;

/** What the detail view asks the server. */
export interface IExperimentPages {
  /** The experiment with the page of trials the query names. */
  getExperimentPage(id: string, query: DetailQuery): Promise<ExperimentDetail>;
  /** A page of the experiment's trials. */
  getTrials(id: string, query: TrialQuery): Promise<TrialPage>;
}

/**
 * The detail view's two routes over the same Requester as HopsMLClient (whose home,
 * src/api.ts, they can move to): errors are ApiErrors with the server's message.
 */
export class DetailClient implements IExperimentPages {
  constructor(private readonly request: Requester) {}

  getExperimentPage(id: string, query: DetailQuery): Promise<ExperimentDetail> {
    return this.getJson(`${API_BASE}/experiments/${encodeURIComponent(id)}`, query);
  }

  getTrials(id: string, query: TrialQuery): Promise<TrialPage> {
    return this.getJson(`${API_BASE}/experiments/${encodeURIComponent(id)}/trials`, query);
  }

  private async getJson<T>(path: string, query: object): Promise<T> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') {
        params.set(key, String(value));
      }
    }
    const search = params.toString();
    const response = await this.request(search ? `${path}?${search}` : path, {
      method: 'GET'
    });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      let reason: string | null = null;
      try {
        const body = (await response.json()) as { message?: unknown; reason?: unknown };
        if (typeof body.message === 'string' && body.message) {
          message = body.message;
        }
        reason = typeof body.reason === 'string' ? body.reason : null;
      } catch {
        // not a JSON body: keep the status line
      }
      throw new ApiError(response.status, message, reason);
    }
    return (await response.json()) as T;
  }
}

/** Statuses of work still going on: the views keep asking while they show one. */
const LIVE = new Set<string>(['running', 'queued']);

export function isLive(status: string): boolean {
  return LIVE.has(status);
}

/**
 * One experiment shown in the main area: its summary and best trials (for the charts),
 * and one page of its trials at a time, in the order the table sorts by. The server
 * sorts and pages (a 10,000-trial experiment is never loaded whole): `refresh` asks
 * again for the page shown, the summary with it, so polling a running experiment
 * costs one page.
 */
export class ExperimentDetailModel {
  /**
   * `client` is a DetailClient; a plain HopsMLClient (which has no trials route yet)
   * shows the first page the detail route answers, and cannot turn pages.
   */
  constructor(
    client: IExperimentPages | HopsMLClient,
    readonly id: string,
    private readonly pageSize = TRIAL_PAGE
  ) {
    this.client = 'getTrials' in client ? client : firstPageOnly(client);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get detail(): ExperimentDetail | null {
    return this._detail;
  }
  get error(): string | null {
    return this._error;
  }
  /** The trials of the page shown, in the server's order. */
  get trials(): readonly TrialRecord[] {
    return this._trials;
  }
  /** How many trials the experiment has. */
  get total(): number {
    return this._total;
  }
  /** The order of the page, as the server names it (`-metric`, `param:lr`, …). */
  get sort(): string | null {
    return this._sort;
  }
  /** Where the page starts among all trials (0 for the first). */
  get offset(): number {
    return this._tokens.length === 0 ? 0 : (this._tokens.length - 1) * this.pageSize;
  }
  get hasNext(): boolean {
    return this._nextToken !== null;
  }
  get hasPrevious(): boolean {
    return this._tokens.length > 1;
  }
  /** A page is being fetched (next, previous or another order). */
  get loading(): boolean {
    return this._navigating;
  }
  /** Whether the experiment or a trial shown still runs (or waits to). */
  get live(): boolean {
    const detail = this._detail;
    return (
      detail === null || isLive(detail.status) || this._trials.some(t => isLive(t.status))
    );
  }

  /** The summary, the best trials and the page shown, again. */
  async refresh(): Promise<void> {
    const generation = ++this._detailGeneration;
    // A page being fetched is newer than the page this asks for again.
    const pageGeneration = this._navigating ? -1 : this._pageGeneration;
    const token = this._tokens[this._tokens.length - 1] ?? undefined;
    try {
      const detail = await this.client.getExperimentPage(this.id, {
        limit: this.pageSize,
        top: CHART_TOP,
        sort: this._sort ?? undefined,
        next_token: token
      });
      if (generation !== this._detailGeneration) {
        return; // a newer refresh superseded this one
      }
      this._detail = detail;
      this._error = null;
      if (pageGeneration === this._pageGeneration) {
        this.showPage(
          detail.trials,
          detail.trials_total ?? detail.trials.length,
          detail.next_token ?? null,
          detail.sort ?? this._sort
        );
        if (this._tokens.length === 0) {
          this._tokens = [null];
        }
      }
    } catch (error) {
      if (generation !== this._detailGeneration) {
        return;
      }
      this._error = errorMessage(error);
    }
    this._changed.emit();
  }

  /** The first page in another order (`key`, `-metric`, `param:lr`, …). */
  setSort(sort: string): Promise<void> {
    return this.load({ sort }, [null]);
  }

  async nextPage(): Promise<void> {
    if (this._nextToken === null || this._navigating) {
      return;
    }
    const token = this._nextToken;
    await this.load({ sort: this._sort ?? undefined, next_token: token }, [
      ...this._tokens,
      token
    ]);
  }

  async previousPage(): Promise<void> {
    if (!this.hasPrevious || this._navigating) {
      return;
    }
    const tokens = this._tokens.slice(0, -1);
    const token = tokens[tokens.length - 1] ?? undefined;
    await this.load({ sort: this._sort ?? undefined, next_token: token }, tokens);
  }

  /** Fetch a page; once it is here, `tokens` say which it is. */
  private async load(query: TrialQuery, tokens: (string | null)[]): Promise<void> {
    const generation = ++this._pageGeneration;
    this._navigating = true;
    this._changed.emit();
    try {
      const page = await this.client.getTrials(this.id, { ...query, limit: this.pageSize });
      if (generation !== this._pageGeneration) {
        return; // another page was asked for since
      }
      this._tokens = tokens;
      this._error = null;
      this.showPage(page.trials, page.total, page.next_token, page.sort);
    } catch (error) {
      if (generation === this._pageGeneration) {
        this._error = errorMessage(error);
      }
    } finally {
      if (generation === this._pageGeneration) {
        this._navigating = false;
        this._changed.emit();
      }
    }
  }

  private showPage(
    trials: TrialRecord[],
    total: number,
    nextToken: string | null,
    sort: string | null
  ): void {
    this._trials = trials;
    this._total = total;
    this._nextToken = nextToken;
    this._sort = sort;
  }

  private readonly client: IExperimentPages;
  private _detail: ExperimentDetail | null = null;
  private _error: string | null = null;
  private _trials: TrialRecord[] = [];
  private _total = 0;
  private _sort: string | null = null;
  private _nextToken: string | null = null;
  /** The next_token of each page up to the one shown (null: the first page). */
  private _tokens: (string | null)[] = [];
  private _navigating = false;
  private _detailGeneration = 0;
  private _pageGeneration = 0;
  private _changed = new Signal<this, void>(this);
}

function firstPageOnly(client: HopsMLClient): IExperimentPages {
  return {
    getExperimentPage: id => client.getExperiment(id),
    getTrials: () =>
      Promise.reject(new Error('turning pages needs the trials route (a DetailClient)'))
  };
}
