/** State of the feature store views; views read it and redraw on `changed`. */
import { ISignal, Signal } from '@lumino/signaling';

import {
  CommitInfo,
  CommitStatistics,
  DataPreview,
  FeatureGroupDetail,
  FeatureGroupSummary,
  FeatureStoreClient,
  FeatureViewDetail,
  FeatureViewSummary,
  TrainingDatasetInfo,
  ValidationClient,
  errorMessage
} from '../api';
import { IPart, emptyPart, part } from '../shared/part';
import { GroupValidationModel, ValidationModel } from '../validation/model';

export type { IPart } from '../shared/part';

/** The most rows a preview may ask for (the server's cap). */
export const MAX_PREVIEW = 100;
/** The preview sizes the detail offers. */
export const PREVIEW_SIZES = [10, 20, 50, MAX_PREVIEW];
/** Commits a page of the detail's commit table holds. */
export const COMMIT_PAGE = 20;

/** A feature group version: what the detail opens and the lineage links name. */
export interface IGroupKey {
  name: string;
  version: number;
}

export function groupLabel(key: IGroupKey): string {
  return `${key.name} v${key.version}`;
}

/**
 * The sidebar: one search over feature groups (names, descriptions, their features'
 * names and descriptions) and feature views, the groups a page at a time, and which
 * views are unfolded to show their training datasets, and (given a `validation`
 * client) which training datasets show their validation reports.
 */
export class FeatureStoreListModel {
  constructor(
    private readonly client: FeatureStoreClient,
    private readonly pageSize = 50,
    private readonly validation: ValidationClient | null = null
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get search(): string {
    return this._search;
  }
  get groups(): readonly FeatureGroupSummary[] {
    return this._groups;
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
  get views(): readonly FeatureViewSummary[] {
    return this._views;
  }
  /** The unfolded view's detail (its training datasets), by `name v<version>`. */
  viewDetail(view: IGroupKey): FeatureViewDetail | undefined {
    return this._details.get(groupLabel(view));
  }
  isOpen(view: IGroupKey): boolean {
    return this._open.has(groupLabel(view));
  }
  /** Whether training datasets can show their validation reports. */
  get validates(): boolean {
    return this.validation !== null;
  }
  /** The reports of a training dataset (by id) that shows them; undefined: folded. */
  datasetReports(id: number): ValidationModel | undefined {
    return this._reports.get(id);
  }

  /** Show a training dataset's validation reports (loading them) or fold them again. */
  async toggleDatasetReports(dataset: TrainingDatasetInfo): Promise<void> {
    if (this._reports.delete(dataset.id) || this.validation === null) {
      this._changed.emit();
      return;
    }
    const { id, name, version } = dataset;
    const source = { kind: 'dataset' as const, id, name, version };
    const reports = new ValidationModel(this.validation, source);
    this._reports.set(id, reports);
    this._changed.emit();
    await reports.refresh();
  }

  /** Search again from the first page. */
  setSearch(text: string): Promise<void> {
    this._search = text;
    return this.refresh();
  }

  /** The first page of groups (as many rows as are shown), the views, the unfolded
   * views' training datasets, again. */
  async refresh(): Promise<void> {
    const generation = ++this._generation;
    const q = this._search.trim() || undefined;
    const limit = Math.max(this.pageSize, Math.min(this._groups.length, 500));
    this._loading = true;
    this._changed.emit();
    try {
      const [page, views] = await Promise.all([
        this.client.listGroups({ q, limit }),
        this.client.listViews(q)
      ]);
      if (generation !== this._generation) {
        return; // a newer search superseded this one
      }
      this._groups = page.groups;
      this._total = page.total;
      this._nextToken = page.next_token;
      this._views = views.views;
      this._error = null;
      await this.loadOpenViews(generation);
      await this.refreshShownReports();
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

  async loadMore(): Promise<void> {
    if (this._nextToken === null || this._loading) {
      return;
    }
    const generation = ++this._generation;
    this._loading = true;
    this._changed.emit();
    try {
      const page = await this.client.listGroups({
        q: this._search.trim() || undefined,
        limit: this.pageSize,
        next_token: this._nextToken
      });
      if (generation === this._generation) {
        this._groups = [...this._groups, ...page.groups];
        this._nextToken = page.next_token;
        this._total = page.total;
        this._error = null;
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

  /** Unfold a view (loading its training datasets) or fold it again. */
  async toggleView(view: IGroupKey): Promise<void> {
    const key = groupLabel(view);
    if (this._open.delete(key)) {
      this._changed.emit();
      return;
    }
    this._open.add(key);
    this._changed.emit();
    try {
      this._details.set(key, await this.client.getView(view.name, view.version));
    } catch (error) {
      this._open.delete(key); // folded again: a click retries
      this._error = errorMessage(error);
    }
    this._changed.emit();
  }

  private async loadOpenViews(generation: number): Promise<void> {
    const shown = new Set(this._views.map(groupLabel));
    for (const key of [...this._open]) {
      if (!shown.has(key)) {
        this._open.delete(key);
      }
    }
    const open = this._views.filter(v => this._open.has(groupLabel(v)));
    const details = await Promise.all(
      open.map(v => this.client.getView(v.name, v.version))
    );
    if (generation === this._generation) {
      details.forEach(d => this._details.set(groupLabel(d), d));
    }
  }

  /** The reports shown again, of the datasets the unfolded views still list. */
  private async refreshShownReports(): Promise<void> {
    const shown = new Set<number>();
    for (const key of this._open) {
      this._details.get(key)?.training_datasets.forEach(d => shown.add(d.id));
    }
    const again: Promise<void>[] = [];
    for (const [id, reports] of [...this._reports]) {
      if (shown.has(id)) {
        again.push(reports.refresh());
      } else {
        this._reports.delete(id);
      }
    }
    await Promise.all(again);
  }

  private _search = '';
  private _reports = new Map<number, ValidationModel>();
  private _groups: FeatureGroupSummary[] = [];
  private _total = 0;
  private _nextToken: string | null = null;
  private _views: FeatureViewSummary[] = [];
  private _open = new Set<string>();
  private _details = new Map<string, FeatureViewDetail>();
  private _loading = false;
  private _error: string | null = null;
  private _generation = 0;
  private _changed = new Signal<this, void>(this);
}

/**
 * One feature group version in the main area: its detail (schema, versions, the views
 * reading it), its commits a page at a time, and the statistics and first rows of its
 * latest commit, or of the commit chosen in the commit table.
 */
export class FeatureGroupModel {
  /** `validation`: also list the group's validation reports (the Validation section). */
  constructor(
    private readonly client: FeatureStoreClient,
    key: IGroupKey,
    validation: ValidationClient | null = null
  ) {
    this._key = { ...key };
    this._validation = validation ? new GroupValidationModel(validation, key) : null;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get key(): Readonly<IGroupKey> {
    return this._key;
  }
  /** The group version's validation reports; null when not asked for. */
  get validation(): GroupValidationModel | null {
    return this._validation;
  }
  get detail(): FeatureGroupDetail | null {
    return this._detail.value;
  }
  /** Why the group itself could not be loaded (the other parts then are empty). */
  get error(): string | null {
    return this._detail.message;
  }
  get commits(): readonly CommitInfo[] {
    return this._commits;
  }
  get hasOlderCommits(): boolean {
    return this._commitToken !== null;
  }
  get statistics(): IPart<CommitStatistics> {
    return this._statistics;
  }
  get preview(): IPart<DataPreview> {
    return this._preview;
  }
  get previewLimit(): number {
    return this._previewLimit;
  }
  /** The commit whose statistics and rows are shown; null: the latest. */
  get commit(): number | null {
    return this._commit;
  }

  /** Everything again (one request per part, at once). */
  async refresh(): Promise<void> {
    const generation = ++this._generation;
    const parts = ++this._partsGeneration;
    const { name, version } = this._key;
    const loading = Promise.all([
      part(this.client.getGroup(name, version)),
      part(this.client.listCommits(name, version, { limit: COMMIT_PAGE })),
      part(this.client.getStatistics(name, version, this._commit ?? undefined)),
      part(this.client.previewGroup(name, version, this.previewQuery()))
    ]);
    // asked after the group's own parts; the reports load and redraw on their own
    const validating = this._validation?.refresh();
    const [detail, commits, statistics, preview] = await loading;
    if (generation !== this._generation) {
      await validating;
      return; // another version was asked for since
    }
    this._detail = detail;
    this._commits = commits.value?.commits ?? [];
    this._commitToken = commits.value?.next_token ?? null;
    if (parts === this._partsGeneration) {
      // else another commit or preview size was asked for since: that answer wins
      this._statistics = statistics;
      this._preview = preview;
    }
    this._changed.emit();
    await validating;
  }

  /** Show another version of the group (from the first commit's view again). */
  setVersion(version: number): Promise<void> {
    this._key = { ...this._key, version };
    this._commit = null;
    this._statistics = emptyPart();
    this._preview = emptyPart();
    this._validation?.setKey(this._key);
    this._changed.emit();
    return this.refresh();
  }

  /** Show the statistics and rows of one commit (null: the latest). */
  async setCommit(commit: number | null): Promise<void> {
    this._commit = commit;
    this._changed.emit();
    const generation = ++this._partsGeneration;
    const { name, version } = this._key;
    const [statistics, preview] = await Promise.all([
      part(this.client.getStatistics(name, version, commit ?? undefined)),
      part(this.client.previewGroup(name, version, this.previewQuery()))
    ]);
    if (generation === this._partsGeneration) {
      this._statistics = statistics;
      this._preview = preview;
      this._changed.emit();
    }
  }

  async setPreviewLimit(limit: number): Promise<void> {
    this._previewLimit = Math.max(1, Math.min(MAX_PREVIEW, Math.round(limit)));
    this._changed.emit();
    const generation = ++this._partsGeneration;
    const preview = await part(
      this.client.previewGroup(this._key.name, this._key.version, this.previewQuery())
    );
    if (generation === this._partsGeneration) {
      this._preview = preview;
      this._changed.emit();
    }
  }

  async loadOlderCommits(): Promise<void> {
    const token = this._commitToken;
    if (token === null) {
      return;
    }
    const generation = this._generation;
    const { name, version } = this._key;
    const page = await part(
      this.client.listCommits(name, version, { limit: COMMIT_PAGE, next_token: token })
    );
    if (page.value && this._commitToken === token && generation === this._generation) {
      this._commits = [...this._commits, ...page.value.commits];
      this._commitToken = page.value.next_token;
    }
    this._changed.emit();
  }

  private previewQuery() {
    return { limit: this._previewLimit, commit: this._commit ?? undefined };
  }

  private _key: IGroupKey;
  private _validation: GroupValidationModel | null;
  private _detail: IPart<FeatureGroupDetail> = emptyPart();
  private _commits: CommitInfo[] = [];
  private _commitToken: string | null = null;
  private _statistics: IPart<CommitStatistics> = emptyPart();
  private _preview: IPart<DataPreview> = emptyPart();
  private _previewLimit = 20;
  private _commit: number | null = null;
  private _generation = 0;
  private _partsGeneration = 0;
  private _changed = new Signal<this, void>(this);
}
