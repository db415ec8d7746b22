/**
 * The HopsML sidebar: experiment history with filters, sort, and a virtual list that
 * loads the next page as the end comes into view; ticked experiments can be compared
 * or shown together in one TensorBoard.
 *
 * Virtual scrolling is @tanstack/react-virtual: a headless hook (our own <li> markup and
 * theme CSS stay), rows measured as they render (font sizes follow the theme), a few
 * KB, actively maintained. Only the rows in view plus OVERSCAN exist in the DOM, so
 * 10,000 experiments scroll like 20.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import React, { useCallback, useEffect, useRef } from 'react';

import { ExperimentSummary } from '../api';
import { OpenTensorBoard } from '../shared/commands';
import { formatDuration, formatTime, formatValue } from '../shared/format';
import { useSignal } from '../shared/hooks';
import { ExperimentFilters } from './ExperimentFilters';
import { ExperimentListModel } from './model';

export const ROW_ESTIMATE = 58; // px; each row is measured once drawn
export const OVERSCAN = 6;
/** Load the next page when a row this close to the end of the loaded ones shows. */
export const LOAD_AHEAD = 20;

interface IRowProps {
  experiment: ExperimentSummary;
  index: number;
  start: number;
  selected: boolean;
  measure: (element: HTMLElement | null) => void;
  onOpen: (id: string) => void;
  onSelect: (id: string, selected: boolean) => void;
}

const Row = React.memo(function Row(props: IRowProps): JSX.Element {
  const e = props.experiment;
  const metric =
    e.metric_value !== null
      ? `${e.metric_key ?? 'metric'} ${formatValue(e.metric_value)}`
      : '';
  return (
    <li
      ref={props.measure}
      data-index={props.index}
      className="hopsml-ExperimentList-item"
      data-experiment-id={e.id}
      title={`${e.name} (${e.id})`}
      style={{ transform: `translateY(${props.start}px)` }}
    >
      <input
        type="checkbox"
        className="hopsml-ExperimentList-select"
        aria-label={`Compare ${e.name} (${e.id})`}
        checked={props.selected}
        onChange={event => props.onSelect(e.id, event.target.checked)}
      />
      <button className="hopsml-ExperimentList-open" onClick={() => props.onOpen(e.id)}>
        <span className="hopsml-ExperimentList-name">{e.name}</span>
        <span className={`hopsml-Status hopsml-Status-${e.status}`}>{e.status}</span>
        <span className="hopsml-ExperimentList-meta">
          {formatTime(e.created_at)} · {e.user} · {e.trial_count} trial
          {e.trial_count === 1 ? '' : 's'}
          {e.duration_s !== null ? ` · ${formatDuration(e.duration_s)}` : ''}
        </span>
        {metric && <span className="hopsml-ExperimentList-metric">{metric}</span>}
      </button>
    </li>
  );
});

function Rows(props: { model: ExperimentListModel; onOpen: (id: string) => void }) {
  const { model } = props;
  const rows = model.experiments;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_ESTIMATE,
    overscan: OVERSCAN,
    getItemKey: index => rows[index].id
  });
  const items = virtualizer.getVirtualItems();
  const lastShown = items.length > 0 ? items[items.length - 1].index : -1;
  const nearEnd = rows.length > 0 && lastShown >= rows.length - LOAD_AHEAD;
  const { hasMore, loading, error } = model;

  useEffect(() => {
    // Not after a failed page: the "Load more" button retries on request.
    if (nearEnd && hasMore && !loading && !error) {
      void model.loadMore();
    }
  }, [model, nearEnd, hasMore, loading, error]);

  const select = useCallback((id: string, on: boolean) => model.select(id, on), [model]);
  return (
    <div ref={scroller} className="hopsml-ExperimentList-scroller">
      <ul
        className="hopsml-ExperimentList-items"
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map(item => (
          <Row
            key={item.key}
            experiment={rows[item.index]}
            index={item.index}
            start={item.start}
            selected={model.selected.has(rows[item.index].id)}
            measure={virtualizer.measureElement}
            onOpen={props.onOpen}
            onSelect={select}
          />
        ))}
      </ul>
      {hasMore && error && (
        <button className="jp-Button hopsml-LoadMore" onClick={() => void model.loadMore()}>
          Load more
        </button>
      )}
      {hasMore && loading && (
        <div className="hopsml-ExperimentList-more">Loading more…</div>
      )}
    </div>
  );
}

function CompareBar(props: {
  model: ExperimentListModel;
  onCompare: (ids: string[]) => void;
  onTensorBoard: OpenTensorBoard;
}): JSX.Element | null {
  const { selected, experiments } = props.model;
  if (selected.size === 0) {
    return null;
  }
  const tensorBoard = () => {
    const ids = [...selected];
    // one experiment: its name for the tab (ticked ones may be filtered out of view)
    const only = ids.length === 1 ? experiments.find(e => e.id === ids[0]) : undefined;
    props.onTensorBoard(ids, only?.name);
  };
  return (
    <div className="hopsml-CompareBar">
      <span>{selected.size} selected</span>
      <button
        className="jp-Button jp-mod-styled jp-mod-accept hopsml-CompareButton"
        disabled={selected.size < 2}
        title={selected.size < 2 ? 'Tick two or more experiments' : 'Compare side by side'}
        onClick={() => props.onCompare([...selected])}
      >
        Compare
      </button>
      <button
        className="jp-Button jp-mod-styled hopsml-TensorBoardButton"
        title="One TensorBoard for the ticked experiments"
        onClick={tensorBoard}
      >
        TensorBoard
      </button>
      <button
        className="jp-Button jp-mod-styled hopsml-ClearSelection"
        onClick={() => props.model.clearSelection()}
      >
        Clear
      </button>
    </div>
  );
}

export interface IExperimentListProps {
  model: ExperimentListModel;
  onOpen: (id: string) => void;
  onCompare: (ids: string[]) => void;
  onTensorBoard: OpenTensorBoard;
}

export function ExperimentList(props: IExperimentListProps): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
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
      <ExperimentFilters model={model} />
      {model.error && <div className="hopsml-Error">{model.error}</div>}
      <div className="hopsml-ExperimentList-count">
        {model.loading && model.experiments.length === 0
          ? 'Loading…'
          : `${model.total} experiment${model.total === 1 ? '' : 's'}`}
      </div>
      <CompareBar
        model={model}
        onCompare={props.onCompare}
        onTensorBoard={props.onTensorBoard}
      />
      <Rows model={model} onOpen={props.onOpen} />
    </div>
  );
}
