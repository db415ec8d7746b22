/**
 * Validation reports in the feature group view, end to end: the demo feature store
 * (`hopsml_lab.demo`, through the hsfs API) gives `customers` an expectation suite, so
 * each of its two inserts was validated: the first batch passes, the second (70 rows,
 * under the suite's row count of 100) fails. The Validation section lists both with
 * pass/fail badges on their commits; opening a report shows its rules and its stored
 * figures drawn by plotly.js (the JSON a notebook draws). Then `%validate --save` in a
 * notebook draws the report there and the open group lists it by itself.
 *
 * The demo's training dataset (churn v1's train/test split) gets two reports of its own
 * (seeded through `featurestore.dataset_validation`, which no hsfs call reaches yet):
 * the feature store sidebar unfolds them under the dataset, and opens one.
 *
 * UPDATE_SCREENSHOT=1 refreshes the README's picture (docs/validation.png); otherwise it
 * goes to test-results/.
 */
import { expect, test } from '@jupyterlab/galata';
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';

const PANEL_ID = 'hopsml-featurestore';
const PYTHON = path.resolve(__dirname, '../../.venv/bin/python');
const SEED = 'from hopsml_lab.demo import seed_feature_store; print(seed_feature_store())';
/** Churners are fewer than 30% of the customers: the balance rule fails. */
const VALIDATE_CELL =
  '%validate customers:1 --rules "age: between(18, 100); churned: balanced(0.3)" ' +
  '--overview --save';

/** Two reports on the demo's training dataset: its test split passes, its train split
 * fails the balance rule (churners are fewer than 30%). Made once. */
const SEED_DATASET_REPORTS = `
from hopsml_lab import hopsworks
from hopsml_lab.featurestore.dataset_validation import validate_training_dataset
from hopsml_lab.validation.history import ValidationHistory
view = hopsworks.login(engine="python").get_feature_store().get_feature_view("churn", version=1)
training = view._training
(record,) = training.catalog.list_training_datasets(training.project_id, view.id)
if not ValidationHistory(training.lab.db, training.project_id).for_dataset(record.id):
    validate_training_dataset(training, record, "age: between(18, 100)", split="test")
    validate_training_dataset(training, record, "churned: balanced(0.3)", split="train")
`;

const picture = (name: string) =>
  process.env.UPDATE_SCREENSHOT
    ? path.resolve(__dirname, `../../docs/${name}.png`)
    : path.resolve(__dirname, `../test-results/${name}.png`);

async function runPython(code: string): Promise<void> {
  const root = process.env.HOPSML_UI_PROJECT_ROOT;
  expect(root, 'the project root the test server uses').toBeTruthy();
  await promisify(execFile)(PYTHON, ['-c', code], {
    env: { ...process.env, HOPSML_PROJECT_ROOT: root },
    timeout: 120 * 1000
  });
}

async function seedFeatureStore(): Promise<void> {
  await runPython(SEED);
  await runPython(SEED_DATASET_REPORTS);
}

test.describe('HopsML Lab: validation reports', () => {
  test.use({ viewport: { width: 1400, height: 1200 } });
  test.beforeAll(seedFeatureStore);

  test("a group's reports over its commits; a report's rules and plots", async ({
    page
  }) => {
    const problems: string[] = [];
    page.on('pageerror', error => problems.push(`pageerror: ${error.message}`));
    page.on('console', message => {
      if (message.type() === 'error') {
        problems.push(`console.error: ${message.text()}`);
      }
    });
    const panel = page.locator(`#${PANEL_ID}`);
    const customers = page.locator(
      '#jp-main-dock-panel .hopsml-FeatureGroup[data-group-name="customers"]'
    );
    const section = customers.locator('.hopsml-Validation');
    const reports = section.locator('table.hopsml-Validation-reports tbody tr');

    await test.step('open customers: two reports, newest first, on its commits', async () => {
      await page.sidebar.openTab(PANEL_ID);
      await panel
        .locator('li[data-group-name="customers"] .hopsml-FeatureStore-open')
        .click();
      await expect(customers.locator('h1')).toContainText('customers');
      await expect(reports).toHaveCount(2);
      await expect(reports.locator('[data-verdict]')).toHaveText(['failed', 'passed']);
      await expect(reports.nth(0)).toContainText('1 of 6 rules failed');
      await expect(reports.nth(1)).toContainText('6 rules passed');
      // Each report names the commit its insert made, as the commit table lists them.
      const commits = await customers
        .locator('table.hopsml-Commits tbody tr')
        .evaluateAll(rows => rows.map(r => r.getAttribute('data-commit')));
      const checked = await reports.evaluateAll(rows =>
        rows.map(r => r.getAttribute('data-commit'))
      );
      expect(checked).toEqual(commits);
    });

    await test.step('open the failing report: its rules and its plots', async () => {
      await reports.nth(0).locator('button.hopsml-OpenReport').click();
      const report = section.locator('.hopsml-Validation-report');
      const rules = report.locator('table.hopsml-Validation-rules tbody tr');
      await expect(rules).toHaveCount(6);
      const failing = report.locator('tr[data-success="false"]');
      await expect(failing).toHaveCount(1);
      await expect(failing).toHaveAttribute('data-rule', 'row_count(100)');
      await expect(failing.locator('td').nth(3)).toHaveText('70');

      const rulesPlot = report.locator('.hopsml-Plot[data-chart="rules"] .js-plotly-plot');
      await expect(rulesPlot).toBeVisible();
      await expect(rulesPlot.locator('.gtitle')).toHaveText('rules: 5 of 6 passed');
      const traces = await rulesPlot.evaluate(element =>
        // plotly.js keeps the traces it drew on the element
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (element as any).data.map((t: { name: string; y: string[] }) => [t.name, t.y])
      );
      expect(traces.map((t: [string, string[]]) => t[0])).toEqual(['passed', 'failed']);
      expect(traces[1][1]).toEqual(['row_count(100)']);
      expect(traces[0][1]).toHaveLength(5);
      await expect(rulesPlot.locator('.barlayer .point')).toHaveCount(6);

      const nulls = report.locator('.hopsml-Plot[data-chart="null_fractions"] .js-plotly-plot');
      await expect(nulls).toBeVisible();
      await expect(nulls.locator('.gtitle')).toHaveText('missing values per column');
    });

    await test.step('the passing report instead', async () => {
      await reports.nth(1).locator('button.hopsml-OpenReport').click();
      const report = section.locator('.hopsml-Validation-report');
      await expect(report.locator('h4')).toContainText('6 rules passed on 500 rows');
      await expect(report.locator('tr[data-success="false"]')).toHaveCount(0);
      const rulesPlot = report.locator('.hopsml-Plot[data-chart="rules"] .js-plotly-plot');
      await expect(rulesPlot.locator('.gtitle')).toHaveText('rules: 6 of 6 passed');
    });

    await test.step('%validate --save in a notebook: drawn there, listed here by itself', async () => {
      await page.notebook.createNew();
      await page.notebook.setCell(0, 'code', '%load_ext hopsml_lab');
      await page.notebook.addCell('code', VALIDATE_CELL);
      await page.notebook.run();
      const output = page.locator('.jp-NotebookPanel .jp-OutputArea-output');
      await expect(output.filter({ hasText: 'saved as validation report' })).toHaveCount(1);
      // The same figure JSON, drawn in the notebook by JupyterLab's Plotly renderer.
      await expect(page.locator('.jp-NotebookPanel .js-plotly-plot').first()).toBeVisible();

      await panel
        .locator('li[data-group-name="customers"] .hopsml-FeatureStore-open')
        .click();
      await expect(reports).toHaveCount(3, { timeout: 15 * 1000 });
      await expect(reports.nth(0).locator('[data-verdict]')).toHaveText('failed');
      await expect(reports.nth(0)).toContainText('FG_DATA');
      await reports.nth(0).locator('button.hopsml-OpenReport').click();
      const report = section.locator('.hopsml-Validation-report');
      await expect(
        report.locator('tr[data-rule="balanced(churned, 0.3)"][data-success="false"]')
      ).toHaveCount(1);
      // --overview: every column's distribution too.
      const histogram = report.locator(
        '.hopsml-Plot[data-chart="histogram:age"] .js-plotly-plot'
      );
      await expect(histogram).toBeVisible();
      await expect(histogram.locator('.gtitle')).toHaveText('age: histogram');
      const balance = report.locator(
        '.hopsml-Plot[data-chart="class_balance:churned"] .js-plotly-plot'
      );
      await expect(balance.locator('.barlayer .point')).toHaveCount(2);
    });

    await test.step('screenshot: the group view with its reports', async () => {
      await page.setViewportSize({ width: 1400, height: 1500 });
      await section.scrollIntoViewIfNeeded();
      await page.mouse.move(0, 0);
      await page.screenshot({ path: picture('validation') });
    });

    expect(
      problems.filter(p => /hopsml/i.test(p)),
      'no HopsML errors in the browser console'
    ).toEqual([]);
  });

  test("a training dataset's reports in the sidebar; a report's rules and plots", async ({
    page
  }) => {
    const problems: string[] = [];
    page.on('pageerror', error => problems.push(`pageerror: ${error.message}`));
    const panel = page.locator(`#${PANEL_ID}`);
    await page.sidebar.openTab(PANEL_ID);
    await panel.locator('li[data-view="churn v1"] > .hopsml-FeatureStore-open').click();
    const dataset = panel.locator('li[data-view="churn v1"] .hopsml-TrainingDataset');
    await expect(dataset).toHaveCount(1);
    const toggle = dataset.locator('button.hopsml-DatasetReports');
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');

    const reports = dataset.locator('table.hopsml-Validation-reports tbody tr');
    await expect(reports).toHaveCount(2);
    await expect(reports.locator('[data-verdict]')).toHaveText(['failed', 'passed']);
    await expect(reports.nth(0)).toContainText('(train)');
    await expect(reports.nth(0)).toContainText('1 of 1 rules failed');
    await expect(reports.nth(1)).toContainText('(test)');

    await reports.nth(0).locator('button.hopsml-OpenReport').click();
    const report = dataset.locator('.hopsml-Validation-report');
    await expect(
      report.locator('tr[data-rule="balanced(churned, 0.3)"][data-success="false"]')
    ).toHaveCount(1);
    const rulesPlot = report.locator('.hopsml-Plot[data-chart="rules"] .js-plotly-plot');
    await expect(rulesPlot.locator('.gtitle')).toHaveText('rules: 0 of 1 passed');
    await page.mouse.move(0, 0);
    await panel.screenshot({ path: picture('validation_dataset') });

    await toggle.click(); // folded again
    await expect(dataset.locator('.hopsml-Validation')).toHaveCount(0);
    expect(problems, 'no errors in the browser').toEqual([]);
  });
});
