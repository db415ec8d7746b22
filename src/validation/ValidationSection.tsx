/** The Validation section of a feature group version (its reports over its commits) or
 * of a training dataset (its reports, each naming the split it checked): pass/fail
 * badges, and the report opened: its rules and the figures a notebook draws of it (the
 * stored figure JSON, drawn by plotly.js). */
import React, { useMemo } from 'react';

import { ReportDetail, ReportSummary, RuleOutcome } from '../api';
import { formatTime, formatValue } from '../shared/format';
import { useSignal } from '../shared/hooks';
import { Plot } from '../shared/Plot';
import { commitTime } from '../featurestore/statistics';
import {
  ReportSource,
  ValidationModel,
  reportFigures,
  sourceLabel,
  verdictText
} from './model';

export function Badge(props: { success: boolean }): JSX.Element {
  return (
    <span
      className={`hopsml-Status hopsml-Status-${props.success ? 'finished' : 'failed'}`}
      data-verdict={props.success ? 'passed' : 'failed'}
    >
      {props.success ? 'passed' : 'failed'}
    </span>
  );
}

/** What a report checked: a group's commit, or the training dataset's split. */
function Checked(props: {
  report: ReportSummary;
  kind: ReportSource['kind'];
}): JSX.Element {
  const r = props.report;
  if (props.kind === 'dataset') {
    return <td className="hopsml-Code">{r.subject}</td>;
  }
  return (
    <td title={r.commit_id === null ? undefined : String(r.commit_id)}>
      {r.commit_id === null ? 'none' : commitTime(r.commit_id)}
    </td>
  );
}

function History(props: { model: ValidationModel }): JSX.Element {
  const { model } = props;
  const group = model.source.kind === 'group';
  return (
    <table className="hopsml-Table hopsml-Validation-reports">
      <thead>
        <tr>
          <th>Verdict</th>
          <th>Validated</th>
          <th>{group ? 'Commit' : 'Checked'}</th>
          <th>Rules</th>
          {group && <th>Ingestion</th>}
          <th aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {model.reports.map((r: ReportSummary) => {
          const open = model.selected === r.id;
          return (
            <tr
              key={r.id}
              data-report={r.id}
              data-commit={r.commit_id ?? ''}
              className={open ? 'hopsml-Selected' : undefined}
            >
              <td>
                <Badge success={r.success} />
              </td>
              <td>{formatTime(r.validated_at)}</td>
              <Checked report={r} kind={model.source.kind} />
              <td>{verdictText(r)}</td>
              {group && <td className="hopsml-Code">{r.ingestion_result}</td>}
              <td>
                <button
                  className="jp-Button hopsml-OpenReport"
                  aria-expanded={open}
                  title="Show this report's rules and plots"
                  onClick={() => void model.open(r.id)}
                >
                  {open ? 'Close' : 'Open'}
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function failingText(r: RuleOutcome): string {
  if (r.failing_count === null) {
    return '';
  }
  const share =
    r.failing_percent !== null && r.failing_count > 0
      ? ` (${Number(r.failing_percent.toPrecision(3))}%)`
      : '';
  return `${r.failing_count.toLocaleString()}${share}`;
}

function observedText(r: RuleOutcome): string {
  if (r.error) {
    return r.error;
  }
  const value: unknown = r.observed;
  if (value === null || value === undefined || typeof value === 'object') {
    return '';
  }
  return formatValue(value);
}

function Rules(props: { results: RuleOutcome[] }): JSX.Element {
  return (
    <table className="hopsml-Table hopsml-Validation-rules">
      <thead>
        <tr>
          <th>Verdict</th>
          <th>Rule</th>
          <th>Failing</th>
          <th>Observed</th>
          <th>Failing rows kept</th>
        </tr>
      </thead>
      <tbody>
        {props.results.map((r, n) => (
          <tr key={n} data-rule={r.name} data-success={r.success}>
            <td>
              <Badge success={r.success} />
            </td>
            <td className="hopsml-Code">{r.name}</td>
            <td>{failingText(r)}</td>
            <td>{observedText(r)}</td>
            <td
              className="hopsml-Code"
              title={r.sample.map(row => JSON.stringify(row)).join('\n')}
            >
              {r.sample.length > 0 ? r.sample.length : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Report(props: { detail: ReportDetail }): JSX.Element {
  const { detail } = props;
  const figures = useMemo(() => reportFigures(detail), [detail]);
  const rows = detail.row_count === null ? '' : ` on ${detail.row_count.toLocaleString()} rows`;
  return (
    <div className="hopsml-Validation-report" data-report={detail.id}>
      <h4>
        <Badge success={detail.success} /> Report {detail.id}: {verdictText(detail)}
        {rows}
      </h4>
      <p className="hopsml-ChartNote">
        {detail.subject}, validated {formatTime(detail.validated_at)}
        {detail.commit_id !== null && ` at commit ${commitTime(detail.commit_id)}`}
        {detail.engine && ` (${detail.engine})`}
      </p>
      <Rules results={detail.results} />
      {figures.length > 0 ? (
        <div className="hopsml-FeatureStore-figures hopsml-Validation-figures">
          {figures.map(f => (
            <Plot key={f.label} figure={f.figure} label={f.label} />
          ))}
        </div>
      ) : (
        <p className="hopsml-Empty">
          No figures: this report is a Great Expectations result stored as it came.
        </p>
      )}
    </div>
  );
}

function NoReports(props: { source: ReportSource }): JSX.Element {
  const { source } = props;
  if (source.kind === 'dataset') {
    return (
      <p className="hopsml-Empty">
        No validation reports yet for {sourceLabel(source)}.
      </p>
    );
  }
  return (
    <p className="hopsml-Empty">
      No validation reports yet: run %validate {source.name}:{source.version} --rules
      "…" --save in a notebook, or attach an expectation suite
      (fg.save_expectation_suite) and insert.
    </p>
  );
}

export function ValidationSection(props: { model: ValidationModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const { detail } = model;
  let body: JSX.Element;
  if (model.error && model.reports.length === 0) {
    body = <p className="hopsml-Error">{model.error}</p>;
  } else if (!model.loaded) {
    body = <p className="hopsml-Loading">Loading validation reports…</p>;
  } else if (model.reports.length === 0) {
    body = <NoReports source={model.source} />;
  } else {
    body = (
      <>
        <History model={model} />
        {model.hasMore && (
          <button
            className="jp-Button jp-mod-styled hopsml-LoadMore"
            onClick={() => void model.loadMore()}
          >
            Older reports
          </button>
        )}
        {model.selected !== null &&
          (detail.value ? (
            <Report detail={detail.value} />
          ) : (
            <p className={detail.message === null ? 'hopsml-Loading' : 'hopsml-Error'}>
              {detail.message ?? `Loading report ${model.selected}…`}
            </p>
          ))}
      </>
    );
  }
  return <div className="hopsml-Validation">{body}</div>;
}
