/** The HopsML sidebar: experiment history with filter, sort and paging. */
import { ReactWidget } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { ExperimentStatus, ExperimentSummary } from '../api';
import { ExperimentListModel } from '../model';
import { formatDuration, formatTime, formatValue } from './format';
import { useSignal } from './hooks';

const SORTS: { value: string; label: string }[] = [
  { value: '-created_at', label: 'Newest first' },
  { value: 'created_at', label: 'Oldest first' },
  { value: 'name', label: 'Name' }
];
const STATUSES: ExperimentStatus[] = ['running', 'finished', 'failed', 'killed'];

interface IListProps {
  model: ExperimentListModel;
  onOpen: (id: string) => void;
}

function Row(props: {
  experiment: ExperimentSummary;
  onOpen: (id: string) => void;
}): JSX.Element {
  const e = props.experiment;
  const metric =
    e.metric_value !== null
      ? `${e.metric_key ?? 'metric'} ${formatValue(e.metric_value)}`
      : '';
  return (
    <li
      className="hopsml-ExperimentList-item"
      data-experiment-id={e.id}
      title={`${e.name} (${e.id})`}
    >
      <button className="hopsml-ExperimentList-open" onClick={() => props.onOpen(e.id)}>
        <span className="hopsml-ExperimentList-name">{e.name}</span>
        <span className={`hopsml-Status hopsml-Status-${e.status}`}>{e.status}</span>
        <span className="hopsml-ExperimentList-meta">
          {formatTime(e.created_at)} · {e.trial_count} trial
          {e.trial_count === 1 ? '' : 's'}
          {e.duration_s !== null ? ` · ${formatDuration(e.duration_s)}` : ''}
        </span>
        {metric && <span className="hopsml-ExperimentList-metric">{metric}</span>}
      </button>
    </li>
  );
}

function ExperimentList(props: IListProps): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const [name, setName] = useState(model.query.name ?? '');
  const [metric, setMetric] = useState('');
  const sort = model.query.sort ?? '-created_at';
  const sortByMetric = sort.replace(/^-/, '').startsWith('metric:');

  const applySort = (value: string) => {
    if (value === 'metric') {
      void model.setQuery({ sort: `-metric:${metric || 'metric'}` });
    } else {
      void model.setQuery({ sort: value });
    }
  };

  return (
    <div className="hopsml-ExperimentList">
      <div className="hopsml-ExperimentList-header">
        <h2>Experiments</h2>
        <button
          className="jp-Button hopsml-IconButton"
          title="Refresh"
          onClick={() => void model.refresh()}
        >
          ⟳
        </button>
      </div>
      <form
        className="hopsml-ExperimentList-filters"
        onSubmit={event => {
          event.preventDefault();
          void model.setQuery({ name });
        }}
      >
        <input
          className="jp-mod-styled hopsml-Input"
          placeholder="Filter by name"
          aria-label="Filter experiments by name"
          value={name}
          onChange={event => setName(event.target.value)}
          onBlur={() => void model.setQuery({ name })}
        />
        <select
          className="jp-mod-styled"
          aria-label="Filter by status"
          value={model.query.status ?? ''}
          onChange={event =>
            void model.setQuery({
              status: (event.target.value || undefined) as ExperimentStatus | undefined
            })
          }
        >
          <option value="">Any status</option>
          {STATUSES.map(s => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <select
          className="jp-mod-styled"
          aria-label="Sort experiments"
          value={sortByMetric ? 'metric' : sort}
          onChange={event => applySort(event.target.value)}
        >
          {SORTS.map(s => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
          <option value="metric">Best metric</option>
        </select>
        {sortByMetric && (
          <input
            className="jp-mod-styled hopsml-Input"
            placeholder="metric name"
            aria-label="Metric to sort by"
            value={metric || sort.replace(/^-?metric:/, '')}
            onChange={event => setMetric(event.target.value)}
            onBlur={() => applySort('metric')}
          />
        )}
      </form>
      {model.error && <div className="hopsml-Error">{model.error}</div>}
      <div className="hopsml-ExperimentList-count">
        {model.loading
          ? 'Loading…'
          : `${model.total} experiment${model.total === 1 ? '' : 's'}`}
      </div>
      <ul className="hopsml-ExperimentList-items">
        {model.experiments.map(e => (
          <Row key={e.id} experiment={e} onOpen={props.onOpen} />
        ))}
      </ul>
      {model.hasMore && (
        <button className="jp-Button hopsml-LoadMore" onClick={() => void model.loadMore()}>
          Load more
        </button>
      )}
    </div>
  );
}

export class ExperimentListWidget extends ReactWidget {
  constructor(
    private readonly model: ExperimentListModel,
    private readonly onOpen: (id: string) => void
  ) {
    super();
    this.addClass('hopsml-Sidebar');
  }

  render(): JSX.Element {
    return <ExperimentList model={this.model} onOpen={this.onOpen} />;
  }
}
