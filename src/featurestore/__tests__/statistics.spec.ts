import {
  STATISTICS_COLUMNS,
  cellText,
  statisticsFigures,
  statisticsRows,
  toFigure
} from '../statistics';
import { featureStatistics, statistics } from './fixtures';

describe('the statistics figures', () => {
  it("draws the server's figures as they are, labelled by feature", () => {
    const answer = statistics();
    const drawn = statisticsFigures(answer);
    expect(drawn.map(f => [f.label, f.kind])).toEqual([
      ['statistics: age', 'histogram'],
      ['statistics: plan', 'top_values']
    ]);
    // the same JSON the notebook draws: nothing added, nothing dropped
    expect(drawn[0].figure.data).toBe(answer.figures[0].figure.data);
    expect(drawn[0].figure.layout).toBe(answer.figures[0].figure.layout);
  });

  it('skips what is not a {data, layout} figure', () => {
    expect(toFigure({ feature: 'x', kind: 'histogram', figure: { data: 'bars' } })).toBeNull();
    expect(toFigure({ feature: 'x', kind: 'histogram', figure: { data: [] } })).toBeNull();
    const answer = statistics();
    answer.figures.push({ feature: 'odd', kind: 'top_values', figure: {} });
    expect(statisticsFigures(answer)).toHaveLength(2);
  });
});

describe('the statistics table', () => {
  it('has a row of numbers per feature', () => {
    const [age, plan] = statisticsRows(statistics());
    expect(age).toEqual({
      feature: 'age',
      type: 'Integral',
      count: '4',
      nulls: '1 (25%)',
      distinct: '≈3',
      min: '25',
      max: '71',
      mean: '46.5',
      stdDev: '18.2'
    });
    expect(plan.distinct).toBe('2'); // exact when computed
    expect(plan.min).toBe('');
    expect(STATISTICS_COLUMNS.map(([key]) => key)).toEqual(Object.keys(age));
  });

  it('leaves what was not computed empty', () => {
    const answer = statistics();
    answer.statistics.feature_descriptive_statistics = [
      featureStatistics('empty', {
        count: 0,
        num_null_values: null,
        approx_num_distinct_values: null,
        min: null,
        max: null,
        mean: null,
        std_dev: null
      })
    ];
    const [row] = statisticsRows(answer);
    expect([row.nulls, row.distinct, row.min, row.mean]).toEqual(['', '', '', '']);
    expect(row.count).toBe('0');
  });
});

describe('preview cells', () => {
  it('shows JSON values as text and null as nothing', () => {
    expect(cellText(null)).toBe('');
    expect(cellText('2024-06-10T06:13:20')).toBe('2024-06-10T06:13:20');
    expect(cellText(3.5)).toBe('3.5');
    expect(cellText(72.00999999999999)).toBe('72.01');
    expect(cellText(2 ** 40)).toBe('1099511627776');
    expect(cellText([1, 2])).toBe('[1,2]');
    expect(cellText({ a: 1 })).toBe('{"a":1}');
    expect(cellText(true)).toBe('true');
  });
});
