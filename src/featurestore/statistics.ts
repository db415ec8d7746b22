/**
 * What the detail shows of a commit's statistics: the server's figures (made by
 * hopsml_lab/featurestore/figures.py, the same dicts a notebook draws) ready for Plot,
 * and one row of numbers per feature. Nothing here changes a figure: the sidebar and
 * the notebook draw the same thing, only in the theme's colours.
 */
import type { Data, Layout } from 'plotly.js-dist-min';

import type { CommitStatistics, FeatureFigure, FeatureStatistics } from '../api';
import type { IFigure } from '../shared/charts';
import { formatValue } from '../shared/format';

/** The server's figure as Plot draws it; null when it is not a {data, layout} figure. */
export function toFigure(
  figure: Pick<FeatureFigure, 'figure'> & Partial<FeatureFigure>
): IFigure | null {
  const { data, layout } = figure.figure;
  if (!Array.isArray(data) || typeof layout !== 'object' || layout === null) {
    return null;
  }
  return { data: data as Data[], layout: layout as Partial<Layout> };
}

/** The figures worth drawing, each with the label its chart is known by. */
export function statisticsFigures(
  statistics: CommitStatistics
): { label: string; kind: string; figure: IFigure }[] {
  const drawn = [];
  for (const f of statistics.figures) {
    const figure = toFigure(f);
    if (figure) {
      drawn.push({ label: `statistics: ${f.feature}`, kind: f.kind, figure });
    }
  }
  return drawn;
}

/** One row of the statistics table: the feature and its numbers as text. */
export interface IStatisticsRow {
  feature: string;
  type: string;
  count: string;
  nulls: string;
  distinct: string;
  min: string;
  max: string;
  mean: string;
  stdDev: string;
}

export const STATISTICS_COLUMNS: [keyof IStatisticsRow, string][] = [
  ['feature', 'Feature'],
  ['type', 'Type'],
  ['count', 'Rows'],
  ['nulls', 'Nulls'],
  ['distinct', 'Distinct'],
  ['min', 'Min'],
  ['max', 'Max'],
  ['mean', 'Mean'],
  ['stdDev', 'Std dev']
];

function percent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) {
    return '';
  }
  return `${Number((ratio * 100).toPrecision(3))}%`;
}

/** Nulls as a count and share ("1 (25%)"); empty when not computed. */
function nulls(f: FeatureStatistics): string {
  if (f.num_null_values === null) {
    return '';
  }
  const share = f.count ? percent(f.num_null_values / f.count) : '';
  return share ? `${f.num_null_values} (${share})` : String(f.num_null_values);
}

/** Exact distinct values when computed, else the approximate count (marked ≈). */
function distinct(f: FeatureStatistics): string {
  if (f.exact_num_distinct_values !== null) {
    return String(f.exact_num_distinct_values);
  }
  const approximate = f.approx_num_distinct_values;
  return approximate === null ? '' : `≈${approximate}`;
}

export function statisticsRows(statistics: CommitStatistics): IStatisticsRow[] {
  return statistics.statistics.feature_descriptive_statistics.map(f => ({
    feature: f.feature_name,
    type: f.feature_type ?? '',
    count: formatValue(f.count),
    nulls: nulls(f),
    distinct: distinct(f),
    min: formatValue(f.min),
    max: formatValue(f.max),
    mean: formatValue(f.mean),
    stdDev: formatValue(f.std_dev)
  }));
}

/** A commit id (epoch milliseconds) as the local time it was made. */
export function commitTime(commitId: number): string {
  return new Date(commitId).toLocaleString();
}

/** A preview cell: JSON values as text, a float without its binary noise
 * (72.00999999999999 reads 72.01); null as an empty cell. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number' && !Number.isInteger(value)) {
    return String(Number(value.toPrecision(12)));
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
