/** Main-area view of one feature group version: facts and versions, the schema with
 * descriptions, the statistics of its latest commit (or of a chosen one) as numbers
 * and as the figures a notebook draws, its first rows, its commits, and its validation
 * reports. */
import React, { useMemo } from 'react';

import { CommitStatistics, DataPreview, FeatureGroupDetail } from '../api';
import { formatTime } from '../shared/format';
import { useSignal } from '../shared/hooks';
import { Plot } from '../shared/Plot';
import { ValidationSection } from '../validation/ValidationSection';
import { FeatureGroupModel, IPart, PREVIEW_SIZES } from './model';
import {
  STATISTICS_COLUMNS,
  cellText,
  commitTime,
  statisticsFigures,
  statisticsRows
} from './statistics';

function Facts(props: { detail: FeatureGroupDetail }): JSX.Element {
  const d = props.detail;
  const facts: [string, string][] = [
    ['Primary key', d.primary_key.join(', ')],
    ['Event time', d.event_time ?? ''],
    ['Partition key', d.partition_key.join(', ')],
    ['Rows', d.rows === null ? 'no commit yet' : d.rows.toLocaleString()],
    ['Commits', d.commit_count.toLocaleString()],
    ['Last commit', d.last_commit ? commitTime(d.last_commit.commitId) : ''],
    ['Online', d.online_enabled ? 'yes' : 'no'],
    ['Format', d.time_travel_format],
    ['Folder', d.location],
    ['Created', formatTime(d.created_at)]
  ];
  return (
    <dl className="hopsml-Facts">
      {facts
        .filter(([, value]) => value !== '')
        .map(([label, value]) => (
          <React.Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </React.Fragment>
        ))}
    </dl>
  );
}

function Versions(props: {
  model: FeatureGroupModel;
  versions: number[];
}): JSX.Element | null {
  const { model, versions } = props;
  if (versions.length < 2) {
    return null;
  }
  return (
    <label className="hopsml-FeatureGroup-version">
      Version{' '}
      <select
        className="jp-mod-styled"
        aria-label="Feature group version"
        value={model.key.version}
        onChange={event => void model.setVersion(Number(event.target.value))}
      >
        {versions.map(v => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
}

function Schema(props: { detail: FeatureGroupDetail }): JSX.Element {
  return (
    <table className="hopsml-Table hopsml-Schema">
      <thead>
        <tr>
          <th>Feature</th>
          <th>Type</th>
          <th>Description</th>
        </tr>
      </thead>
      <tbody>
        {props.detail.features.map(f => (
          <tr key={f.name} data-feature={f.name}>
            <td>
              {f.name}
              {f.primary && <span className="hopsml-Key">primary key</span>}
              {f.event_time && <span className="hopsml-Key">event time</span>}
              {f.partition && <span className="hopsml-Key">partition</span>}
            </td>
            <td className="hopsml-Code">{f.type}</td>
            <td>{f.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A part's message: a note when the server says it is not there, else an error. */
function Missing(props: { part: IPart<unknown>; loading: string }): JSX.Element {
  const { part } = props;
  if (part.message === null) {
    return <p className="hopsml-Loading">{props.loading}</p>;
  }
  return <p className={part.missing ? 'hopsml-Empty' : 'hopsml-Error'}>{part.message}</p>;
}

function Statistics(props: { statistics: CommitStatistics }): JSX.Element {
  const { statistics } = props;
  const rows = useMemo(() => statisticsRows(statistics), [statistics]);
  const figures = useMemo(() => statisticsFigures(statistics), [statistics]);
  return (
    <>
      <p className="hopsml-ChartNote">
        Commit {commitTime(statistics.commit.commitId)} (
        {statistics.commit.committedOn} UTC)
      </p>
      <table className="hopsml-Table hopsml-Statistics">
        <thead>
          <tr>
            {STATISTICS_COLUMNS.map(([key, label]) => (
              <th key={key}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(row => (
            <tr key={row.feature} data-feature={row.feature}>
              {STATISTICS_COLUMNS.map(([key]) => (
                <td key={key}>{row[key]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="hopsml-FeatureStore-figures">
        {figures.map(f => (
          <Plot key={f.label} figure={f.figure} label={f.label} />
        ))}
      </div>
    </>
  );
}

function Preview(props: { model: FeatureGroupModel; preview: DataPreview }): JSX.Element {
  const { model, preview } = props;
  const shown = preview.rows.length;
  const total = preview.total_rows;
  return (
    <>
      <div className="hopsml-Pager">
        <label className="hopsml-ChartNote">
          Rows{' '}
          <select
            className="jp-mod-styled"
            aria-label="Rows to preview"
            value={model.previewLimit}
            onChange={event => void model.setPreviewLimit(Number(event.target.value))}
          >
            {PREVIEW_SIZES.map(n => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <span className="hopsml-Pager-range">
          {shown.toLocaleString()}
          {total !== null ? ` of ${total.toLocaleString()}` : ''} rows at commit{' '}
          {commitTime(preview.commit.commitId)}
        </span>
      </div>
      <div className="hopsml-Preview-scroller">
        <table className="hopsml-Table hopsml-Preview">
          <thead>
            <tr>
              {preview.columns.map(c => (
                <th key={c.name} title={c.type}>
                  {c.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row, r) => (
              <tr key={r}>
                {row.map((value, c) => (
                  <td key={c} className={value === null ? 'hopsml-Null' : undefined}>
                    {cellText(value)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function Commits(props: { model: FeatureGroupModel }): JSX.Element {
  const { model } = props;
  if (model.commits.length === 0) {
    return (
      <p className="hopsml-Empty">
        No commits yet: insert a DataFrame with fg.insert(df).
      </p>
    );
  }
  return (
    <>
      <table className="hopsml-Table hopsml-Commits">
        <thead>
          <tr>
            <th>Committed</th>
            <th>Commit id</th>
            <th>Inserted</th>
            <th>Updated</th>
            <th>Deleted</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {model.commits.map((c, n) => {
            const shown =
              model.commit === c.commitId || (model.commit === null && n === 0);
            return (
              <tr
                key={c.commitId}
                data-commit={c.commitId}
                className={shown ? 'hopsml-Selected' : undefined}
              >
                <td title={`${c.committedOn} UTC`}>{commitTime(c.commitId)}</td>
                <td className="hopsml-Code">{c.commitId}</td>
                <td>{c.rowsInserted.toLocaleString()}</td>
                <td>{c.rowsUpdated.toLocaleString()}</td>
                <td>{c.rowsDeleted.toLocaleString()}</td>
                <td>
                  <button
                    className="jp-Button hopsml-ShowCommit"
                    disabled={shown}
                    title="Show the statistics and rows of the group at this commit"
                    onClick={() => void model.setCommit(n === 0 ? null : c.commitId)}
                  >
                    {shown ? 'Shown' : 'Show'}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {model.hasOlderCommits && (
        <button
          className="jp-Button jp-mod-styled hopsml-LoadMore"
          onClick={() => void model.loadOlderCommits()}
        >
          Older commits
        </button>
      )}
    </>
  );
}

export function FeatureGroupView(props: { model: FeatureGroupModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const detail = model.detail;
  const label = `${model.key.name} v${model.key.version}`;
  if (!detail) {
    return model.error ? (
      <div className="hopsml-FeatureGroup">
        <div className="hopsml-Error">{model.error}</div>
      </div>
    ) : (
      <div className="hopsml-FeatureGroup hopsml-Loading">
        Loading feature group {label}…
      </div>
    );
  }
  const { statistics, preview } = model;
  return (
    <div
      className="hopsml-FeatureGroup"
      data-group-name={detail.name}
      data-group-version={detail.version}
    >
      <div className="hopsml-FeatureGroup-title">
        <h1>
          {detail.name} <span className="hopsml-Version">v{detail.version}</span>
        </h1>
        <Versions model={model} versions={detail.versions} />
      </div>
      {detail.description && <p>{detail.description}</p>}
      <Facts detail={detail} />
      {detail.feature_views.length > 0 && (
        <p className="hopsml-Lineage">
          Read by feature view{detail.feature_views.length > 1 ? 's' : ''}{' '}
          {detail.feature_views.map(v => `${v.name} v${v.version}`).join(', ')}
        </p>
      )}
      <h3>Schema</h3>
      <Schema detail={detail} />
      <h3>Statistics</h3>
      {statistics.value ? (
        <Statistics statistics={statistics.value} />
      ) : (
        <Missing part={statistics} loading="Loading statistics…" />
      )}
      <h3>Data preview</h3>
      {preview.value ? (
        <Preview model={model} preview={preview.value} />
      ) : (
        <Missing part={preview} loading="Loading rows…" />
      )}
      <h3>Commits</h3>
      <Commits model={model} />
      {model.validation && (
        <>
          <h3>Validation</h3>
          <ValidationSection model={model.validation} />
        </>
      )}
    </div>
  );
}
