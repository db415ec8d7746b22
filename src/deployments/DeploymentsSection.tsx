/**
 * The Deployments section: each deployment with its state badge, what it serves and a
 * start or stop button; unfolded, its URL and monitoring: request count, rate, errors
 * and latency, the server's figures of requests, latency and input drift over time (those
 * a notebook draws), and the recent requests.
 */
import React, { useMemo } from 'react';

import { DeploymentInfo, DeploymentMonitoring } from '../api';
import { IFigure } from '../shared/charts';
import { formatTime, formatValue } from '../shared/format';
import { useSignal } from '../shared/hooks';
import { Plot } from '../shared/Plot';
import { toFigure } from '../featurestore/statistics';
import { DeploymentsModel, isActive, servesText } from './model';

/** The badge colour (base.css) of each of hsml's states. */
const BADGE: Record<string, string> = {
  Running: 'running',
  Starting: 'queued',
  Failed: 'failed',
  Stopped: 'stopped',
  Created: 'lost'
};

export function StateBadge(props: { state: string }): JSX.Element {
  return (
    <span
      className={`hopsml-Status hopsml-Status-${BADGE[props.state] ?? 'lost'}`}
      data-state={props.state}
    >
      {props.state}
    </span>
  );
}

/** Start or stop, as the deployment's state allows. */
export interface IDeploymentActions {
  start(name: string): void;
  stop(name: string): void;
}

/**
 * The server's figures (requests, latency, drift), as a notebook draws them; without
 * drift scores, no drift figure (the view says why in a line: a narrow sidebar cuts a
 * long title).
 */
export function monitoringFigures(
  monitoring: DeploymentMonitoring
): { label: string; figure: IFigure }[] {
  const out: { label: string; figure: IFigure }[] = [];
  for (const f of monitoring.figures) {
    const figure = toFigure(f);
    if (figure && !(f.name === 'drift' && monitoring.drift.length === 0)) {
      out.push({ label: f.name, figure });
    }
  }
  return out;
}

function percent(rate: number): string {
  return `${formatValue(rate * 100)}%`;
}

function Numbers(props: { monitoring: DeploymentMonitoring }): JSX.Element {
  const m = props.monitoring;
  return (
    <dl className="hopsml-Deployment-numbers">
      <dt>requests</dt>
      <dd data-requests={m.requests}>{m.requests.toLocaleString()}</dd>
      <dt>rate</dt>
      <dd>{formatValue(m.request_rate)}/s</dd>
      <dt>errors</dt>
      <dd data-errors={m.errors}>
        {m.errors.toLocaleString()} ({percent(m.error_rate)})
      </dd>
      <dt>latency p50 / p99</dt>
      <dd>
        {formatValue(m.latency_ms.p50)} / {formatValue(m.latency_ms.p99)} ms
      </dd>
    </dl>
  );
}

function RecentRequests(props: { monitoring: DeploymentMonitoring }): JSX.Element {
  const recent = props.monitoring.recent;
  if (recent.length === 0) {
    return <div className="hopsml-Empty">No requests in the window.</div>;
  }
  return (
    <table className="hopsml-Table hopsml-Deployment-recent">
      <thead>
        <tr>
          <th>Time</th>
          <th>Status</th>
          <th>Latency</th>
          <th>Request</th>
          <th>Response</th>
        </tr>
      </thead>
      <tbody>
        {recent.map((r, n) => (
          <tr key={`${r.ts}:${n}`} data-status={r.status}>
            <td>{formatTime(r.ts)}</td>
            <td title={r.error ?? undefined}>{r.status}</td>
            <td>{formatValue(r.latency_ms)} ms</td>
            <td className="hopsml-Code hopsml-Deployment-body">{r.request ?? ''}</td>
            <td className="hopsml-Code hopsml-Deployment-body">
              {r.error ?? r.response ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Monitoring(props: { model: DeploymentsModel }): JSX.Element {
  const { value, message } = props.model.monitoring;
  const figures = useMemo(() => (value ? monitoringFigures(value) : []), [value]);
  return (
    <div className="hopsml-Deployment-monitoring">
      {message && <div className="hopsml-Error">{message}</div>}
      {value && (
        <>
          <Numbers monitoring={value} />
          {figures.map(f => (
            <Plot key={f.label} label={f.label} figure={f.figure} />
          ))}
          {value.drift.length === 0 && value.drift_reason && (
            <div className="hopsml-ChartNote hopsml-Deployment-drift">
              No input drift measured: {value.drift_reason}
            </div>
          )}
          <h4>Recent requests</h4>
          <RecentRequests monitoring={value} />
        </>
      )}
    </div>
  );
}

function DeploymentItem(props: {
  deployment: DeploymentInfo;
  model: DeploymentsModel;
  actions: IDeploymentActions;
}): JSX.Element {
  const { deployment: d, model, actions } = props;
  const open = model.selected === d.name;
  const active = isActive(d);
  const busy = model.busy(d.name);
  return (
    <li className="hopsml-Deployment" data-deployment-name={d.name} data-state={d.state}>
      <div className="hopsml-Deployment-head">
        <button
          className="hopsml-Deployment-open"
          aria-expanded={open}
          title={`${open ? 'Hide' : 'Show'} the monitoring of ${d.name}`}
          onClick={() => void model.open(d.name)}
        >
          <span className="hopsml-Deployment-name">{d.name}</span>
          <StateBadge state={d.state} />
          <span className="hopsml-Deployment-meta">{servesText(d)}</span>
        </button>
        <button
          className={`jp-Button hopsml-Deployment-${active ? 'stop' : 'start'}`}
          disabled={busy}
          title={active ? `Stop ${d.name}'s model server` : `Start ${d.name}'s model server`}
          onClick={() => (active ? actions.stop(d.name) : actions.start(d.name))}
        >
          {busy ? '…' : active ? 'Stop' : 'Start'}
        </button>
      </div>
      {d.state === 'Failed' && d.message && (
        <div className="hopsml-Error hopsml-Deployment-failure">{d.message}</div>
      )}
      {open && (
        <div className="hopsml-Deployment-detail">
          {d.description && <div className="hopsml-Deployment-meta">{d.description}</div>}
          {d.inference_url && (
            <div className="hopsml-Code hopsml-Deployment-url">{d.inference_url}</div>
          )}
          <Monitoring model={model} />
        </div>
      )}
    </li>
  );
}

export function DeploymentsSection(props: {
  model: DeploymentsModel;
  actions: IDeploymentActions;
}): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  return (
    <div className="hopsml-Deployments">
      {model.error && <div className="hopsml-Error">{model.error}</div>}
      {model.loaded && model.deployments.length === 0 && !model.error && (
        <div className="hopsml-Empty">
          No deployments yet: deploy a saved model with hsml (<code>model.deploy()</code>).
        </div>
      )}
      <ul className="hopsml-Deployments-list">
        {model.deployments.map(d => (
          <DeploymentItem
            key={d.name}
            deployment={d}
            model={model}
            actions={props.actions}
          />
        ))}
      </ul>
    </div>
  );
}
