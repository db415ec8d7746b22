/**
 * The Models section: each registered model with its latest version and best metric;
 * unfolded, its versions with their metrics, the params of the trial that saved them
 * and their lineage, whose links open the experiment or the feature store.
 */
import React from 'react';

import { Lineage, ModelSummary, ModelVersionInfo } from '../api';
import { formatTime } from '../shared/format';
import { useSignal } from '../shared/hooks';
import { RegistryModel, bestText, metricsText, paramsText } from './model';

/** Where lineage links lead: the domains' own commands. */
export interface ILineageLinks {
  openExperiment(id: string): void;
  openFeatureView(name: string, version: number): void;
}

function LineageLinks(props: { lineage: Lineage; links: ILineageLinks }): JSX.Element {
  const { lineage, links } = props;
  const experiment = lineage.experiment_id;
  const view = lineage.feature_view_name;
  const viewVersion = lineage.feature_view_version ?? 1;
  if (!experiment && !view) {
    return <span className="hopsml-Empty">none recorded</span>;
  }
  return (
    <span className="hopsml-Lineage">
      {experiment && (
        <button
          className="hopsml-LinkButton hopsml-ExperimentLink"
          data-experiment={experiment}
          title={`Open experiment ${experiment}`}
          onClick={() => links.openExperiment(experiment)}
        >
          experiment {experiment.slice(-6)}
          {lineage.trial_key ? ` · ${lineage.trial_key}` : ''}
        </button>
      )}
      {view && (
        <button
          className="hopsml-LinkButton hopsml-FeatureViewLink"
          data-feature-view={`${view} v${viewVersion}`}
          title={`Show feature view ${view} v${viewVersion} in the feature store`}
          onClick={() => links.openFeatureView(view, viewVersion)}
        >
          {view} v{viewVersion}
          {lineage.training_dataset_version !== null
            ? ` · training dataset v${lineage.training_dataset_version}`
            : ''}
        </button>
      )}
    </span>
  );
}

function Versions(props: {
  versions: readonly ModelVersionInfo[];
  links: ILineageLinks;
}): JSX.Element {
  return (
    <table className="hopsml-Table hopsml-Registry-versions">
      <thead>
        <tr>
          <th>Version</th>
          <th>Created</th>
          <th>Metrics</th>
          <th>Params</th>
          <th>Lineage</th>
        </tr>
      </thead>
      <tbody>
        {props.versions.map(v => (
          <tr key={v.version} data-version={v.version}>
            <td title={v.description ?? undefined}>
              v{v.version}
              {v.framework && <span className="hopsml-Code"> {v.framework}</span>}
            </td>
            <td>{formatTime(v.created_at)}</td>
            <td className="hopsml-Registry-metrics">{metricsText(v.metrics)}</td>
            <td className="hopsml-Code">{paramsText(v.params)}</td>
            <td>
              <LineageLinks lineage={v.lineage} links={props.links} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ModelItem(props: {
  summary: ModelSummary;
  model: RegistryModel;
  links: ILineageLinks;
}): JSX.Element {
  const { summary, model } = props;
  const open = model.selected === summary.name;
  const detail = model.detail;
  return (
    <li className="hopsml-Registry-model" data-model-name={summary.name}>
      <button
        className="hopsml-Registry-open"
        aria-expanded={open}
        title={`${open ? 'Hide' : 'Show'} the versions of ${summary.name}`}
        onClick={() => void model.open(summary.name)}
      >
        <span className="hopsml-Registry-name">{summary.name}</span>
        <span className="hopsml-Version">v{summary.latest.version}</span>
        <span className="hopsml-Registry-meta">
          {summary.versions} version{summary.versions === 1 ? '' : 's'} · best{' '}
          {bestText(summary.best)}
        </span>
      </button>
      {open && detail.message && (
        <div className="hopsml-Error">{detail.message}</div>
      )}
      {open && detail.value && (
        <div className="hopsml-Registry-detail">
          {detail.value.deployments.length > 0 && (
            <div className="hopsml-Registry-meta">
              deployed as {detail.value.deployments.join(', ')}
            </div>
          )}
          <Versions versions={detail.value.versions} links={props.links} />
        </div>
      )}
    </li>
  );
}

export function ModelsSection(props: {
  model: RegistryModel;
  links: ILineageLinks;
}): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  return (
    <div className="hopsml-Registry">
      {model.error && <div className="hopsml-Error">{model.error}</div>}
      {model.loaded && model.models.length === 0 && !model.error && (
        <div className="hopsml-Empty">
          No models yet: save one with hsml (<code>model.save(folder)</code>).
        </div>
      )}
      <ul className="hopsml-Registry-models">
        {model.models.map(m => (
          <ModelItem key={m.name} summary={m} model={model} links={props.links} />
        ))}
      </ul>
    </div>
  );
}
