/** Ordering the trials table: by any column, numbers by value, missing values last. */
import type { ExperimentDetail, TrialRecord } from '../api';

/** `key`, `status`, `duration`, `param:<name>` or `result:<name>`. */
export type TrialColumn = string;

export interface ITrialSort {
  column: TrialColumn;
  descending: boolean;
}

export function trialValue(trial: TrialRecord, column: TrialColumn): unknown {
  if (column.startsWith('param:')) {
    return trial.params[column.slice('param:'.length)];
  }
  if (column.startsWith('result:')) {
    return trial.results[column.slice('result:'.length)];
  }
  if (column === 'duration') {
    return trial.duration_s;
  }
  return column === 'status' ? trial.status : trial.key;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

export function sortTrials(
  trials: readonly TrialRecord[],
  sort: ITrialSort
): TrialRecord[] {
  const sign = sort.descending ? -1 : 1;
  return [...trials].sort((x, y) => {
    const a = trialValue(x, sort.column);
    const b = trialValue(y, sort.column);
    const aMissing = a === undefined || a === null;
    const bMissing = b === undefined || b === null;
    if (aMissing || bMissing) {
      return Number(aMissing) - Number(bMissing); // missing last, either way
    }
    return sign * compare(a, b);
  });
}

/** Best first by the experiment's metric, else in the order the trials ran. */
export function defaultTrialSort(experiment: ExperimentDetail): ITrialSort {
  const key = experiment.metric_key;
  if (key && experiment.trials.some(t => t.results[key] !== undefined)) {
    const descending = experiment.direction.toUpperCase() !== 'MIN';
    return { column: `result:${key}`, descending };
  }
  return { column: 'key', descending: false };
}

/** Clicking a header sorts by it; clicking the sorted one turns the order round. */
export function nextSort(current: ITrialSort, column: TrialColumn): ITrialSort {
  return current.column === column
    ? { column, descending: !current.descending }
    : { column, descending: column.startsWith('result:') };
}

/**
 * The trials route's `sort` for a table sort. The experiment's metric column sorts by
 * `metric`, the value the catalog ranked each trial by (the same order, from a column
 * rather than from each trial's results).
 */
export function toServerSort(sort: ITrialSort, metricKey: string | null): string {
  const column = metricKey && sort.column === `result:${metricKey}` ? 'metric' : sort.column;
  return `${sort.descending ? '-' : ''}${column}`;
}

/** The table sort of the trials route's `sort` (see toServerSort). */
export function fromServerSort(sort: string, metricKey: string | null): ITrialSort {
  const descending = sort.startsWith('-');
  const column = descending ? sort.slice(1) : sort;
  return {
    column: column === 'metric' && metricKey ? `result:${metricKey}` : column,
    descending
  };
}

/** What the charts draw: the trials of the page, then the best ones not on it. */
export function chartTrials(
  page: readonly TrialRecord[],
  top: readonly TrialRecord[] = []
): TrialRecord[] {
  const shown = new Set(page.map(t => t.key));
  return [...page, ...top.filter(t => !shown.has(t.key))];
}

/**
 * A result the catalog keeps in the trial's results file instead (it was too large):
 * `size` bytes of JSON, in `file` on the store (`path` in the project), with a
 * `preview`. `omitted` counts the short results a very long result left out.
 */
export interface ITruncatedResult {
  truncated: true;
  size?: number;
  omitted?: number;
  file?: string | null;
  path?: string;
  preview?: string;
}

export function isTruncated(value: unknown): value is ITruncatedResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { truncated?: unknown }).truncated === true &&
    typeof (value as { path?: unknown }).path === 'string'
  );
}

/** '20.0 MB', '640 KB', '12 B'. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) {
    return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  }
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} B`;
}
