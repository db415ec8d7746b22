/** State of the validation reports of a feature group version or of a training dataset;
 * views redraw on `changed`. */
import { ISignal, Signal } from '@lumino/signaling';

import {
  ReportDetail,
  ReportPage,
  ReportQuery,
  ReportSummary,
  ValidationClient,
  errorMessage
} from '../api';
import type { IFigure } from '../shared/charts';
import { IPart, emptyPart, part } from '../shared/part';
import { toFigure } from '../featurestore/statistics';

/** Reports a page of the history holds. */
export const REPORT_PAGE = 20;

/** A feature group version, as the reports are asked for. */
export interface IValidatedGroup {
  name: string;
  version: number;
}

/** What the reports are attached to: a feature group version (each report with the
 * commit it checked) or a training dataset (by its id; name and version say it). */
export type ReportSource =
  | ({ kind: 'group' } & IValidatedGroup)
  | { kind: 'dataset'; id: number; name: string; version: number };

/** How a source is named: `customers v1`, `training dataset churn v2`. */
export function sourceLabel(source: ReportSource): string {
  const label = `${source.name} v${source.version}`;
  return source.kind === 'group' ? label : `training dataset ${label}`;
}

/** The figures of a report worth drawing, each with its name (`rules`, ...). */
export function reportFigures(
  detail: ReportDetail
): { label: string; figure: IFigure }[] {
  const out: { label: string; figure: IFigure }[] = [];
  for (const f of detail.figures) {
    const figure = toFigure(f);
    if (figure) {
      out.push({ label: f.name, figure });
    }
  }
  return out;
}

/** "2 of 5 rules failed", "3 rules passed". */
export function verdictText(report: ReportSummary): string {
  if (report.failed === 0) {
    return `${report.rules} rule${report.rules === 1 ? '' : 's'} passed`;
  }
  return `${report.failed} of ${report.rules} rules failed`;
}

/**
 * The reports of one source (a feature group version or a training dataset), newest
 * first, a page at a time, and the one opened with its rule results and figures.
 */
export class ValidationModel {
  constructor(
    private readonly client: ValidationClient,
    source: ReportSource
  ) {
    this._source = { ...source };
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get source(): Readonly<ReportSource> {
    return this._source;
  }
  get reports(): readonly ReportSummary[] {
    return this._reports;
  }
  get hasMore(): boolean {
    return this._nextToken !== null;
  }
  get loaded(): boolean {
    return this._loaded;
  }
  get error(): string | null {
    return this._error;
  }
  /** The report opened; null: none. */
  get selected(): number | null {
    return this._selected;
  }
  get detail(): IPart<ReportDetail> {
    return this._detail;
  }

  /** Another source: its reports from the newest, none opened. */
  setSource(source: ReportSource): void {
    this._source = { ...source };
    this._generation++;
    this._reports = [];
    this._nextToken = null;
    this._loaded = false;
    this._selected = null;
    this._detail = emptyPart();
    this._changed.emit();
  }

  /** The newest reports again (as many as are shown). */
  async refresh(): Promise<void> {
    const generation = ++this._generation;
    const limit = Math.max(REPORT_PAGE, Math.min(this._reports.length, 200));
    try {
      const page = await this.list({ limit });
      if (generation !== this._generation) {
        return;
      }
      this._reports = page.reports;
      this._nextToken = page.next_token;
      this._error = null;
    } catch (error) {
      if (generation !== this._generation) {
        return;
      }
      this._error = errorMessage(error);
    }
    this._loaded = true;
    this._changed.emit();
  }

  async loadMore(): Promise<void> {
    const token = this._nextToken;
    if (token === null) {
      return;
    }
    const generation = this._generation;
    try {
      const page = await this.list({ limit: REPORT_PAGE, next_token: token });
      if (generation === this._generation && this._nextToken === token) {
        this._reports = [...this._reports, ...page.reports];
        this._nextToken = page.next_token;
      }
    } catch (error) {
      this._error = errorMessage(error);
    }
    this._changed.emit();
  }

  /** Open a report (its rules and figures), or close it (null, or the one open). */
  async open(id: number | null): Promise<void> {
    const closing = id === null || id === this._selected;
    this._selected = closing ? null : id;
    this._detail = emptyPart();
    const asked = ++this._detailGeneration;
    this._changed.emit();
    if (closing) {
      return;
    }
    const detail = await part(this.client.getReport(id));
    if (asked === this._detailGeneration) {
      this._detail = detail;
      this._changed.emit();
    }
  }

  private list(query: ReportQuery): Promise<ReportPage> {
    const source = this._source;
    return source.kind === 'group'
      ? this.client.listGroupReports(source.name, source.version, query)
      : this.client.listDatasetReports(source.id, query);
  }

  private _source: ReportSource;
  private _reports: ReportSummary[] = [];
  private _nextToken: string | null = null;
  private _loaded = false;
  private _error: string | null = null;
  private _selected: number | null = null;
  private _detail: IPart<ReportDetail> = emptyPart();
  private _generation = 0;
  private _detailGeneration = 0;
  private _changed = new Signal<this, void>(this);
}

/** A feature group version's reports, each with the commit it checked. */
export class GroupValidationModel extends ValidationModel {
  constructor(client: ValidationClient, key: IValidatedGroup) {
    super(client, { kind: 'group', name: key.name, version: key.version });
  }

  get key(): Readonly<IValidatedGroup> {
    const { name, version } = this.source;
    return { name, version };
  }

  /** Another group version: its reports from the newest, none opened. */
  setKey(key: IValidatedGroup): void {
    this.setSource({ kind: 'group', name: key.name, version: key.version });
  }
}
