/** The sidebar's filters: name, user, status, creation dates, and the sort order. */
import React, { useMemo, useState } from 'react';

import { ExperimentStatus } from '../api';
import { dayToSeconds, secondsToDay } from '../shared/format';
import { ExperimentListModel } from './model';

const SORTS: { value: string; label: string }[] = [
  { value: '-created_at', label: 'Newest first' },
  { value: 'created_at', label: 'Oldest first' },
  { value: 'name', label: 'Name' }
];
const STATUSES: ExperimentStatus[] = ['running', 'finished', 'failed', 'killed', 'lost'];

/** Redrawn by its parent when the model changes. */
export function ExperimentFilters(props: { model: ExperimentListModel }): JSX.Element {
  const { model } = props;
  const [name, setName] = useState(model.query.name ?? '');
  const [user, setUser] = useState(model.query.user ?? '');
  const [metric, setMetric] = useState('');
  const sort = model.query.sort ?? '-created_at';
  const sortByMetric = sort.replace(/^-/, '').startsWith('metric:');
  // 'to' is a whole day: the query's bound is the next midnight (exclusive).
  const from = secondsToDay(model.query.created_after);
  const to = secondsToDay(
    model.query.created_before === undefined ? undefined : model.query.created_before - 1
  );
  const users = useMemo(
    () => [...new Set(model.experiments.map(e => e.user))].sort(),
    [model.experiments]
  );

  const applySort = (value: string) => {
    if (value === 'metric') {
      void model.setQuery({ sort: `-metric:${metric || 'metric'}` });
    } else {
      void model.setQuery({ sort: value });
    }
  };
  const applyText = () => {
    if (name !== (model.query.name ?? '') || user !== (model.query.user ?? '')) {
      void model.setQuery({ name, user });
    }
  };

  return (
    <form
      className="hopsml-ExperimentList-filters"
      onSubmit={event => {
        event.preventDefault();
        applyText();
      }}
    >
      <input
        className="jp-mod-styled hopsml-Input"
        placeholder="Filter by name"
        aria-label="Filter experiments by name"
        value={name}
        onChange={event => setName(event.target.value)}
        onBlur={applyText}
      />
      <input
        className="jp-mod-styled hopsml-Input"
        placeholder="Filter by user"
        aria-label="Filter experiments by user"
        list="hopsml-users"
        value={user}
        onChange={event => setUser(event.target.value)}
        onBlur={applyText}
      />
      <datalist id="hopsml-users">
        {users.map(u => (
          <option key={u} value={u} />
        ))}
      </datalist>
      <label className="hopsml-DateFilter">
        From
        <input
          type="date"
          className="jp-mod-styled"
          aria-label="Created on or after"
          value={from}
          max={to || undefined}
          onChange={event =>
            void model.setQuery({ created_after: dayToSeconds(event.target.value) })
          }
        />
      </label>
      <label className="hopsml-DateFilter">
        To
        <input
          type="date"
          className="jp-mod-styled"
          aria-label="Created on or before"
          value={to}
          min={from || undefined}
          onChange={event =>
            void model.setQuery({ created_before: dayToSeconds(event.target.value, 1) })
          }
        />
      </label>
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
  );
}
