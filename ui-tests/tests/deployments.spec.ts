/**
 * Models and deployments, end to end: a notebook saves a small scikit-learn model with
 * hsml, deploys it (`model.deploy()`), starts it and sends predictions. The "Models and
 * deployments" sidebar lists the model with its version and metric, and the deployment
 * Running; unfolded, its monitoring counts the requests the notebook sent (from the
 * model server's inference log), and the count rises when the notebook sends more. Its
 * Stop button stops it.
 *
 * UPDATE_SCREENSHOT=1 refreshes the README's picture (docs/deployments.png); otherwise
 * it goes to test-results/.
 */
import { expect, test } from '@jupyterlab/galata';
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';

import { fillNotebook } from './notebook';

const PANEL_ID = 'hopsml-models';
const NAME = 'churnui';
const PYTHON = path.resolve(__dirname, '../../.venv/bin/python');

const CELLS = [
  [
    'import pickle, tempfile',
    'import numpy as np',
    'from sklearn.linear_model import LogisticRegression',
    'from hopsml_lab import hopsworks',
    'rng = np.random.default_rng(0)',
    'X = rng.random((40, 3))',
    'folder = tempfile.mkdtemp()',
    "with open(f'{folder}/model.pkl', 'wb') as f:",
    '    pickle.dump(LogisticRegression().fit(X, (X[:, 0] > 0.5).astype(int)), f)',
    'mr = hopsworks.login().get_model_registry()',
    `model = mr.sklearn.create_model('${NAME}', metrics={'accuracy': 0.9})`,
    'model.save(folder)',
    `deployment = model.deploy(name='${NAME}')`,
    'deployment.start(await_running=120)',
    'for row in X[:3]:',
    '    deployment.predict(inputs=[row.tolist()])',
    "print('predicted', 3)"
  ].join('\n'),
  [
    'for row in X[3:5]:',
    '    deployment.predict(inputs=[row.tolist()])',
    "print('predicted', 5)"
  ].join('\n')
];

const picture = (name: string) =>
  process.env.UPDATE_SCREENSHOT
    ? path.resolve(__dirname, `../../docs/${name}.png`)
    : path.resolve(__dirname, `../test-results/${name}.png`);

/** Deployments outlive the kernel that started them: stop this test's, whatever happened. */
async function stopDeployment(): Promise<void> {
  const code =
    'from hopsml_lab.deployments import DeploymentService\n' +
    'service = DeploymentService.here()\n' +
    `if service.get('${NAME}', missing_ok=True): service.stop('${NAME}')`;
  await promisify(execFile)(PYTHON, ['-c', code], {
    env: { ...process.env, HOPSML_PROJECT_ROOT: process.env.HOPSML_UI_PROJECT_ROOT },
    timeout: 120 * 1000
  });
}

test.describe('HopsML Lab: models and deployments', () => {
  test.use({ viewport: { width: 1400, height: 1200 } });
  test.afterAll(stopDeployment);

  test('a notebook deploys a model; the panel shows it running and counts its requests', async ({
    page
  }) => {
    test.setTimeout(300 * 1000); // a model server's first start on a cold, busy machine
    const problems: string[] = [];
    page.on('pageerror', error => problems.push(`pageerror: ${error.message}`));
    page.on('console', message => {
      if (message.type() === 'error') {
        problems.push(`console.error: ${message.text()}`);
      }
    });
    const panel = page.locator(`#${PANEL_ID}`);
    const deployment = panel.locator(`li.hopsml-Deployment[data-deployment-name="${NAME}"]`);
    const requests = deployment.locator('[data-requests]');
    const output = page.locator('.jp-NotebookPanel .jp-OutputArea-output');

    await test.step('open the sidebar: nothing deployed yet', async () => {
      await page.sidebar.openTab(PANEL_ID);
      await expect(panel.locator('.hopsml-Deployments')).toContainText('No deployments yet');
      await expect(panel.locator('.hopsml-Registry')).toContainText('No models yet');
    });

    await test.step('a notebook saves, deploys and queries a model', async () => {
      await page.notebook.createNew();
      await fillNotebook(page, CELLS);
      // Galata's run waits for the kernel before running (as the first test of a fresh
      // server, a bare run-all could fire before the kernel was ready and run nothing).
      await page.notebook.run();
      await expect(output.filter({ hasText: 'predicted 5' })).toHaveCount(1, {
        timeout: 150 * 1000
      });
    });

    await test.step('the panel lists it Running, and the model with its metric', async () => {
      await page.sidebar.openTab(PANEL_ID);
      await expect(deployment).toHaveAttribute('data-state', 'Running');
      await expect(deployment.locator('.hopsml-Status')).toHaveText('Running');
      await expect(deployment).toContainText(`${NAME} v1 · PYTHON · 1 instance`);
      const model = panel.locator(`li[data-model-name="${NAME}"]`);
      await expect(model).toContainText('best accuracy 0.9 (v1)', { timeout: 20 * 1000 });
      await model.locator('button.hopsml-Registry-open').click();
      await expect(model.locator('table.hopsml-Registry-versions tbody tr')).toHaveCount(1);
      await expect(model).toContainText(`deployed as ${NAME}`);
    });

    await test.step('unfolded: the requests it answered, counted', async () => {
      await deployment.locator('button.hopsml-Deployment-open').click();
      await expect(requests).toHaveText('5');
      await expect(deployment.locator('table.hopsml-Deployment-recent tbody tr')).toHaveCount(5);
      // The figures a notebook draws of the summary: requests and latency; no drift
      // without a training dataset to compare with, and the panel says so.
      await expect(deployment.locator('.hopsml-Plot')).toHaveCount(2);
      await expect(deployment.locator('.hopsml-Deployment-drift')).toContainText(
        'no training dataset lineage'
      );
      const plot = deployment.locator('.hopsml-Plot[data-chart="requests"] .js-plotly-plot');
      await expect(plot).toBeVisible();
      await expect(
        deployment.locator('.hopsml-Plot[data-chart="latency"] .js-plotly-plot')
      ).toBeVisible();
      const total = await plot.evaluate(element =>
        // plotly.js keeps the traces it drew on the element
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (element as any).data[0].y.reduce((a: number, b: number) => a + b, 0)
      );
      expect(total).toBe(5);
    });

    await test.step('more predictions: the count rises by itself', async () => {
      await page.notebook.runCell(1);
      await expect(output.filter({ hasText: 'predicted 5' })).toHaveCount(1);
      await expect(requests).toHaveText('7', { timeout: 15 * 1000 });
    });

    await test.step('screenshot: the sidebar with the deployment unfolded', async () => {
      await page.setViewportSize({ width: 1400, height: 1500 });
      // A wider sidebar, as one drags it to read the charts.
      const handle = page.locator('#jp-main-split-panel > .lm-SplitPanel-handle').first();
      const box = (await handle.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(620, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
      await deployment.evaluate(element => element.scrollIntoView({ block: 'start' }));
      await page.mouse.move(0, 0);
      await page.screenshot({ path: picture('deployments') });
    });

    await test.step('Stop stops it', async () => {
      await deployment.locator('button.hopsml-Deployment-stop').click();
      await expect(deployment).toHaveAttribute('data-state', 'Stopped', { timeout: 60 * 1000 });
      await expect(deployment.locator('button.hopsml-Deployment-start')).toBeVisible();
    });

    expect(
      problems.filter(p => /hopsml/i.test(p)),
      'no HopsML errors in the browser console'
    ).toEqual([]);
  });
});
