import { detail, trial } from '../../__tests__/fakes';
import { defaultTrialSort, nextSort, sortTrials } from '../trials';

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
