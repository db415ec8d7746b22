import { detail, trial } from '../../__tests__/fakes';
import {
  chartTrials,
  defaultTrialSort,
  formatBytes,
  fromServerSort,
  isTruncated,
  nextSort,
  sortTrials,
  toServerSort
} from '../trials';

const trials = [
  trial('trial_2', { lr: 0.1, opt: 'sgd' }, 0.7, { duration_s: 3 }),
  trial('trial_10', { lr: 0.01, opt: 'adam' }, 0.9, { duration_s: 1 }),
  trial('trial_1', { lr: 0.5 }, null, { status: 'failed', duration_s: 2 })
];
const keys = (column: string, descending = false) =>
  sortTrials(trials, { column, descending }).map(t => t.key);

describe('sortTrials', () => {
  it('sorts numbers by value and trial keys in natural order', () => {
    expect(keys('param:lr')).toEqual(['trial_10', 'trial_2', 'trial_1']);
    expect(keys('key')).toEqual(['trial_1', 'trial_2', 'trial_10']);
    expect(keys('duration', true)).toEqual(['trial_2', 'trial_1', 'trial_10']);
  });

  it('puts trials without the value last, whichever the direction', () => {
    expect(keys('result:accuracy', true)).toEqual(['trial_10', 'trial_2', 'trial_1']);
    expect(keys('result:accuracy')).toEqual(['trial_2', 'trial_10', 'trial_1']);
    expect(keys('param:opt', true)).toEqual(['trial_2', 'trial_10', 'trial_1']);
  });

  it('leaves the input as it was', () => {
    sortTrials(trials, { column: 'key', descending: true });
    expect(trials.map(t => t.key)).toEqual(['trial_2', 'trial_10', 'trial_1']);
  });
});

describe('defaultTrialSort', () => {
  it("ranks by the experiment's metric, best first", () => {
    const max = detail('e', { metric_key: 'accuracy', direction: 'MAX', trials });
    expect(defaultTrialSort(max)).toEqual({ column: 'result:accuracy', descending: true });
    const min = { ...max, direction: 'MIN' };
    expect(defaultTrialSort(min)).toEqual({ column: 'result:accuracy', descending: false });
  });

  it('keeps the run order without a recorded metric', () => {
    expect(defaultTrialSort(detail('e', { metric_key: 'f1', trials }))).toEqual({
      column: 'key',
      descending: false
    });
  });
});

describe('nextSort', () => {
  it('turns the order round on the sorted column, else starts a sensible way', () => {
    const sort = { column: 'param:lr', descending: false };
    expect(nextSort(sort, 'param:lr')).toEqual({ column: 'param:lr', descending: true });
    expect(nextSort(sort, 'result:loss')).toEqual({ column: 'result:loss', descending: true });
    expect(nextSort(sort, 'key')).toEqual({ column: 'key', descending: false });
  });
});

describe('the server sort of a table sort', () => {
  it("sorts the experiment's metric column by the catalog's metric", () => {
    const best = { column: 'result:accuracy', descending: true };
    expect(toServerSort(best, 'accuracy')).toBe('-metric');
    expect(toServerSort({ ...best, descending: false }, 'accuracy')).toBe('metric');
    expect(toServerSort(best, 'loss')).toBe('-result:accuracy');
    expect(toServerSort(best, null)).toBe('-result:accuracy');
    expect(toServerSort({ column: 'param:lr', descending: false }, 'accuracy')).toBe(
      'param:lr'
    );
    expect(toServerSort({ column: 'duration', descending: true }, null)).toBe('-duration');
  });

  it('reads the sort the server answered back into a table sort', () => {
    expect(fromServerSort('-metric', 'accuracy')).toEqual({
      column: 'result:accuracy',
      descending: true
    });
    expect(fromServerSort('key', 'accuracy')).toEqual({ column: 'key', descending: false });
    expect(fromServerSort('-param:lr', null)).toEqual({
      column: 'param:lr',
      descending: true
    });
    for (const sort of ['-metric', 'metric', 'status', '-result:f1', 'param:a:b']) {
      expect(toServerSort(fromServerSort(sort, 'accuracy'), 'accuracy')).toBe(sort);
    }
  });
});

describe('chartTrials', () => {
  it("draws the page's trials, then the best ones not on it", () => {
    const page = [trial('t1', {}, 0.5), trial('t2', {}, 0.4)];
    const top = [trial('t9', {}, 0.99), trial('t1', {}, 0.5)];
    expect(chartTrials(page, top).map(t => t.key)).toEqual(['t1', 't2', 't9']);
    expect(chartTrials(page).map(t => t.key)).toEqual(['t1', 't2']);
  });
});

describe('results kept in the results file', () => {
  const marker = {
    truncated: true,
    size: 20 * 1024 * 1024,
    file: '/p/Experiments/e/trial_3/results.json',
    path: 'Experiments/e/trial_3/results.json',
    preview: 'xxx'
  };

  it('are told from plain values', () => {
    expect(isTruncated(marker)).toBe(true);
    expect(isTruncated({ ...marker, file: null })).toBe(true); // could not be written
    for (const value of [null, 1, 'x', [], { truncated: true }, { truncated: 'yes' }]) {
      expect(isTruncated(value)).toBe(false);
    }
  });

  it('show their size', () => {
    expect(formatBytes(marker.size)).toBe('20.0 MB');
    expect(formatBytes(600 * 1024)).toBe('600 KB');
    expect(formatBytes(12)).toBe('12 B');
  });
});
