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
