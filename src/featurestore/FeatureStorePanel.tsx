/**
 * The feature store sidebar: one search box over feature groups (their names and
 * descriptions, and their features' names and descriptions) and feature views; each
 * group with its version, description, rows and last commit; each view with its labels,
 * the groups its query reads and, unfolded, its training datasets with their lineage
 * and, on a click, their validation reports. Every group named anywhere opens the
 * group's detail.
 */
import React, { useEffect, useState } from 'react';

import {
  FeatureGroupSummary,
  FeatureViewSummary,
  GroupRef,
  TrainingDatasetInfo
} from '../api';
import { useSignal } from '../shared/hooks';
import { ValidationSection } from '../validation/ValidationSection';
import { FeatureStoreListModel, IGroupKey, groupLabel } from './model';
import { commitTime } from './statistics';

/** Milliseconds the search waits after the last key before asking the server. */
export const SEARCH_DELAY = 250;

export type OpenGroup = (key: IGroupKey) => void;

function plural(n: number, what: string): string {
  return `${n.toLocaleString()} ${what}${n === 1 ? '' : 's'}`;
}

function matching(searching: boolean, total: number): string {
  if (!searching) {
    return '';
  }
  return total === 1 ? ' matches' : ' match';
}

/** A button that opens a group (a view's group, a lineage entry). */
export function GroupLink(props: {
  group: GroupRef | IGroupKey;
  onOpen: OpenGroup;
  commitId?: number | null;
}): JSX.Element {
  const { group } = props;
  const at = props.commitId ? ` @ ${commitTime(props.commitId)}` : '';
  return (
    <button
      className="hopsml-LinkButton hopsml-GroupLink"
      data-group={groupLabel(group)}
      title={`Open feature group ${groupLabel(group)}${at}`}
      onClick={() => props.onOpen({ name: group.name, version: group.version })}
    >
      {groupLabel(group)}
      {at}
    </button>
  );
}

function GroupItem(props: {
  group: FeatureGroupSummary;
  onOpen: OpenGroup;
}): JSX.Element {
  const g = props.group;
  const last = g.last_commit;
  const meta = [
    g.rows === null ? 'no data yet' : plural(g.rows, 'row'),
    plural(g.feature_count, 'feature'),
    last ? `committed ${commitTime(last.commitId)}` : ''
  ].filter(Boolean);
  return (
    <li
      className="hopsml-FeatureStore-item"
      data-group-name={g.name}
      data-group-version={g.version}
    >
      <button
        className="hopsml-FeatureStore-open"
        title={`Open feature group ${groupLabel(g)}`}
        onClick={() => props.onOpen({ name: g.name, version: g.version })}
      >
        <span className="hopsml-FeatureStore-name">{g.name}</span>
        <span className="hopsml-Version">v{g.version}</span>
        {g.description && (
          <span className="hopsml-FeatureStore-description">{g.description}</span>
        )}
        <span className="hopsml-FeatureStore-meta">{meta.join(' · ')}</span>
        {g.matched_features.length > 0 && (
          <span className="hopsml-FeatureStore-matches">
            features:{' '}
            {g.matched_features.map((f, n) => (
              <React.Fragment key={f.name}>
                {n > 0 && ', '}
                <span
                  className="hopsml-FeatureStore-match"
                  title={f.description || f.type}
                >
                  {f.name}
                </span>
              </React.Fragment>
            ))}
          </span>
        )}
      </button>
    </li>
  );
}

function splitsText(dataset: TrainingDatasetInfo): string {
  return dataset.splits
    .map(s =>
      s.percentage === null ? s.name : `${s.name} ${Math.round(s.percentage * 100)}%`
    )
    .join(', ');
}

function TrainingDataset(props: {
  dataset: TrainingDatasetInfo;
  model: FeatureStoreListModel;
  onOpen: OpenGroup;
}): JSX.Element {
  const { model } = props;
  const d = props.dataset;
  const reports = model.datasetReports(d.id);
  const facts = [
    d.data_format,
    d.materialized ? 'written' : 'in memory',
    splitsText(d),
    d.label.length ? `label ${d.label.join(', ')}` : ''
  ].filter(Boolean);
  return (
    <li
      className="hopsml-TrainingDataset"
      data-training-dataset={`${d.name} v${d.version}`}
    >
      <span className="hopsml-FeatureStore-name">
        {d.name} <span className="hopsml-Version">v{d.version}</span>
      </span>
      <span className="hopsml-FeatureStore-meta">{facts.join(' · ')}</span>
      {d.lineage.length > 0 && (
        <span className="hopsml-Lineage">
          made from
          {d.lineage.map(g => (
            <GroupLink
              key={`${g.name}:${g.version}`}
              group={g}
              commitId={g.commitId}
              onOpen={props.onOpen}
            />
          ))}
        </span>
      )}
      {model.validates && (
        <button
          className="hopsml-LinkButton hopsml-DatasetReports"
          aria-expanded={reports !== undefined}
          title={
            reports
              ? 'Hide its validation reports'
              : 'Show its validation reports (their rules and plots)'
          }
          onClick={() => void model.toggleDatasetReports(d)}
        >
          {reports ? '▾' : '▸'} Validation reports
        </button>
      )}
      {reports && <ValidationSection model={reports} />}
    </li>
  );
}

function ViewItem(props: {
  view: FeatureViewSummary;
  model: FeatureStoreListModel;
  onOpen: OpenGroup;
}): JSX.Element {
  const { view, model } = props;
  const open = model.isOpen(view);
  const detail = open ? model.viewDetail(view) : undefined;
  return (
    <li
      className="hopsml-FeatureStore-item hopsml-FeatureView"
      data-view={groupLabel(view)}
    >
      <button
        className="hopsml-FeatureStore-open"
        aria-expanded={open}
        title={open ? 'Hide its training datasets' : 'Show its training datasets'}
        onClick={() => void model.toggleView(view)}
      >
        <span className="hopsml-FeatureStore-name">
          {open ? '▾' : '▸'} {view.name}
        </span>
        <span className="hopsml-Version">v{view.version}</span>
        {view.description && (
          <span className="hopsml-FeatureStore-description">{view.description}</span>
        )}
        <span className="hopsml-FeatureStore-meta">
          {plural(view.features.length, 'feature')}
          {view.labels.length > 0 && ` · label ${view.labels.join(', ')}`} ·{' '}
          {plural(view.training_dataset_count, 'training dataset')}
        </span>
      </button>
      {view.groups.length > 0 && (
        <span className="hopsml-Lineage">
          reads{' '}
          {view.groups.map((g, n) => (
            <React.Fragment key={`${g.name}:${g.version}`}>
              {n > 0 && ', '}
              <GroupLink group={g} onOpen={props.onOpen} />
            </React.Fragment>
          ))}
        </span>
      )}
      {open && (
        <ul className="hopsml-TrainingDatasets">
          {detail === undefined && <li className="hopsml-Loading">Loading…</li>}
          {detail?.training_datasets.length === 0 && (
            <li className="hopsml-Empty">No training datasets yet.</li>
          )}
          {detail?.training_datasets.map(d => (
            <TrainingDataset key={d.id} dataset={d} model={model} onOpen={props.onOpen} />
          ))}
        </ul>
      )}
    </li>
  );
}

function SearchBox(props: { model: FeatureStoreListModel }): JSX.Element {
  const { model } = props;
  const [text, setText] = useState(model.search);
  useEffect(() => {
    if (text === model.search) {
      return;
    }
    const timer = setTimeout(() => void model.setSearch(text), SEARCH_DELAY);
    return () => clearTimeout(timer);
  }, [model, text]);
  return (
    <input
      type="search"
      className="jp-mod-styled hopsml-Input hopsml-FeatureStore-search"
      placeholder="Search the feature store"
      aria-label="Search feature groups, features and feature views"
      value={text}
      onChange={event => setText(event.target.value)}
    />
  );
}

export function FeatureStorePanel(props: {
  model: FeatureStoreListModel;
  onOpenGroup: OpenGroup;
}): JSX.Element {
  const { model, onOpenGroup } = props;
  useSignal(model.changed);
  const searching = model.search.trim() !== '';
  return (
    <div className="hopsml-FeatureStore">
      <div className="hopsml-ExperimentList-header">
        <h2>Feature store</h2>
        <button
          className="jp-Button hopsml-IconButton"
          title="Refresh"
          onClick={() => void model.refresh()}
        >
          ⟳
        </button>
      </div>
      <SearchBox model={model} />
      {model.error && <div className="hopsml-Error">{model.error}</div>}
      <h3 className="hopsml-FeatureStore-section">Feature groups</h3>
      <div className="hopsml-FeatureStore-count">
        {model.loading && model.groups.length === 0
          ? 'Loading…'
          : `${plural(model.total, 'group version')}${matching(searching, model.total)}`}
      </div>
      <ul className="hopsml-FeatureStore-items hopsml-FeatureStore-groups">
        {model.groups.map(g => (
          <GroupItem key={`${g.name}:${g.version}`} group={g} onOpen={onOpenGroup} />
        ))}
      </ul>
      {model.hasMore && (
        <button
          className="jp-Button jp-mod-styled hopsml-LoadMore"
          disabled={model.loading}
          onClick={() => void model.loadMore()}
        >
          Load more
        </button>
      )}
      <h3 className="hopsml-FeatureStore-section">Feature views</h3>
      {model.views.length === 0 && !model.loading && (
        <div className="hopsml-Empty">
          {searching ? 'No feature view matches.' : 'No feature views yet.'}
        </div>
      )}
      <ul className="hopsml-FeatureStore-items hopsml-FeatureStore-views">
        {model.views.map(v => (
          <ViewItem key={groupLabel(v)} view={v} model={model} onOpen={onOpenGroup} />
        ))}
      </ul>
    </div>
  );
}
