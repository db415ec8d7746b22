/** Feature store answers as the server gives them, for the specs. */
import type {
  CommitInfo,
  CommitStatistics,
  DataPreview,
  FeatureGroupDetail,
  FeatureGroupPage,
  FeatureGroupSummary,
  FeatureStatistics,
  FeatureViewDetail,
  FeatureViewSummary
} from '../../api';

export function commit(commitId: number, extra: Partial<CommitInfo> = {}): CommitInfo {
  return {
    commitId,
    committedOn: '20240610061320123',
    rowsInserted: 3,
    rowsUpdated: 0,
    rowsDeleted: 0,
    ...extra
  };
}

export function group(
  name: string,
  version = 1,
  extra: Partial<FeatureGroupSummary> = {}
): FeatureGroupSummary {
  return {
    id: version,
    name,
    version,
    description: `${name} of the shop`,
    primary_key: ['cust'],
    event_time: null,
    online_enabled: false,
    feature_count: 3,
    rows: 3,
    commit_count: 1,
    last_commit: commit(1_718_000_000_123),
    created_at: 1_718_000_000,
    matched_features: [],
    ...extra
  };
}

export function groupPage(
  groups: FeatureGroupSummary[],
  nextToken: string | null = null,
  total = groups.length
): FeatureGroupPage {
  return { groups, next_token: nextToken, total };
}

export function groupDetail(
  name: string,
  version = 1,
  extra: Partial<FeatureGroupDetail> = {}
): FeatureGroupDetail {
  return {
    ...group(name, version),
    features: [
      {
        name: 'cust',
        type: 'bigint',
        description: '',
        primary: true,
        partition: false,
        event_time: false
      },
      {
        name: 'age',
        type: 'bigint',
        description: 'Age in years',
        primary: false,
        partition: false,
        event_time: false
      },
      {
        name: 'plan',
        type: 'string',
        description: 'Subscription plan',
        primary: false,
        partition: false,
        event_time: false
      }
    ],
    partition_key: [],
    location: `FeatureStore/${name}_${version}`,
    time_travel_format: 'DELTA',
    statistics_config: null,
    versions: [1, 2],
    feature_views: [],
    ...extra
  };
}

export function featureStatistics(
  name: string,
  extra: Partial<FeatureStatistics> = {}
): FeatureStatistics {
  return {
    feature_name: name,
    feature_type: 'Integral',
    count: 4,
    num_non_null_values: 3,
    num_null_values: 1,
    completeness: 0.75,
    approx_num_distinct_values: 3,
    exact_num_distinct_values: null,
    min: 25,
    max: 71,
    mean: 46.5,
    std_dev: 18.2,
    sum: 186,
    percentiles: null,
    distinctness: null,
    uniqueness: null,
    entropy: null,
    extended_statistics: null,
    ...extra
  };
}

/** Statistics of `age` with the histogram figure featurestore/browse/figures.py makes. */
export function statistics(commitId = 1_718_000_000_123): CommitStatistics {
  return {
    commit: commit(commitId),
    statistics: {
      computation_time: commitId,
      row_percentage: 1,
      config: { enabled: true, histograms: true },
      feature_descriptive_statistics: [
        featureStatistics('age'),
        featureStatistics('plan', {
          feature_type: 'String',
          min: null,
          max: null,
          mean: null,
          std_dev: null,
          sum: null,
          exact_num_distinct_values: 2
        })
      ]
    },
    figures: [
      {
        feature: 'age',
        kind: 'histogram',
        figure: {
          data: [{ type: 'bar', x: [30, 60], y: [2, 2], width: [30, 30] }],
          layout: { title: { text: 'age: histogram' }, height: 260 }
        }
      },
      {
        feature: 'plan',
        kind: 'top_values',
        figure: {
          data: [{ type: 'bar', orientation: 'h', x: [1, 2], y: ['pro', 'free'] }],
          layout: { title: { text: 'plan: top values' }, height: 260 }
        }
      }
    ]
  };
}

export function preview(commitId = 1_718_000_000_123, rows = 2): DataPreview {
  return {
    commit: commit(commitId),
    columns: [
      { name: 'cust', type: 'bigint' },
      { name: 'age', type: 'bigint' },
      { name: 'plan', type: 'string' }
    ],
    rows: Array.from({ length: rows }, (_, n) => [n + 1, n === 0 ? null : 40 + n, 'pro']),
    limit: 20,
    total_rows: 4
  };
}

export function view(name: string, extra: Partial<FeatureViewSummary> = {}): FeatureViewSummary {
  return {
    id: 7,
    name,
    version: 1,
    description: 'Churn by plan',
    labels: ['churned'],
    features: ['age', 'plan', 'churned'],
    groups: [
      { id: 1, name: 'customers', version: 1, commitId: null },
      { id: 2, name: 'orders', version: 1, commitId: null }
    ],
    training_dataset_count: 1,
    created_at: 1_718_000_000,
    ...extra
  };
}

export function viewDetail(name: string): FeatureViewDetail {
  return {
    ...view(name),
    training_datasets: [
      {
        id: 3,
        name: `${name}_1`,
        version: 1,
        description: '',
        feature_view: { id: 7, name, version: 1 },
        data_format: 'parquet',
        location: null,
        materialized: false,
        splits: [
          {
            name: 'train',
            split_type: 'RANDOM_SPLIT',
            percentage: 0.8,
            start_time: null,
            end_time: null
          },
          {
            name: 'test',
            split_type: 'RANDOM_SPLIT',
            percentage: 0.2,
            start_time: null,
            end_time: null
          }
        ],
        label: ['churned'],
        lineage: [{ id: 1, name: 'customers', version: 1, commitId: 1_718_000_000_123 }],
        created_at: 1_718_000_100
      }
    ]
  };
}
