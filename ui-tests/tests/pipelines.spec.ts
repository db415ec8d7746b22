/**
 * Pipelines end to end: a notebook writes two tiny notebooks into the project, makes
 * them a pipeline with `%pipeline create` and runs it with `%pipeline run` (its table
 * shows both stages FINISHED); the Pipelines sidebar lists the pipeline with its last
 * run, and unfolded shows the run with both stages' badges and durations, and a
 * stage's log tail on click. Then Run in the sidebar starts a second run in the server,
 * followed to its end by polling.
 *
 * UPDATE_SCREENSHOT=1 refreshes the README's picture (docs/pipelines.png); otherwise it
 * goes to test-results/.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';

import { fillNotebook } from './notebook';

const PANEL_ID = 'hopsml-pipelines';
const WRITE_NOTEBOOKS = [
  'import os, pathlib, nbformat',
  'from nbformat.v4 import new_notebook, new_code_cell',
  "jobs = pathlib.Path(os.environ['HOPSML_PROJECT_ROOT'], 'Jobs')",
  'jobs.mkdir(exist_ok=True)',
  "for name, code in [('prepare', \"open('rows.txt', 'w').write('1,2,3')\\nprint('prepared')\"),",
  "                   ('report', \"print('rows:', open('rows.txt').read())\")]:",
  "    nbformat.write(new_notebook(cells=[new_code_cell(code)]), str(jobs / f'{name}.ipynb'))"
].join('\n');

const picture = (name: string) =>
  process.env.UPDATE_SCREENSHOT
    ? path.resolve(__dirname, `../../docs/${name}.png`)
    : path.resolve(__dirname, `../test-results/${name}.png`);

test.describe('HopsML Lab: pipelines', () => {
  test.use({ viewport: { width: 1400, height: 1000 } });

  test('%pipeline create and run, then the run in the sidebar', async ({ page }) => {
    const problems: string[] = [];
    page.on('pageerror', error => problems.push(`pageerror: ${error.message}`));
    page.on('console', message => {
      if (message.type() === 'error') {
        problems.push(`console.error: ${message.text()}`);
      }
    });
    const panel = page.locator(`#${PANEL_ID}`);
    const item = panel.locator('li.hopsml-Pipeline[data-pipeline-name="daily"]');
    const runs = item.locator('li.hopsml-Pipeline-run');

    await test.step('%pipeline create and %pipeline run in a notebook', async () => {
      await page.notebook.createNew();
      await fillNotebook(page, [
        '%load_ext hopsml_lab',
        WRITE_NOTEBOOKS,
        '%pipeline create daily Jobs/prepare.ipynb Jobs/report.ipynb',
        '%pipeline run daily'
      ]);
      await page.notebook.run();
      const output = page.locator('.jp-NotebookPanel .jp-OutputArea-output');
      await expect(output.filter({ hasText: 'pipeline daily: prepare -> report' })).toHaveCount(
        1
      );
      const table = output.filter({ hasText: 'pipeline daily run 1: FINISHED' });
      await expect(table).toHaveCount(1, { timeout: 120 * 1000 });
      await expect(table.locator('tbody tr')).toHaveCount(2);
    });

    await test.step('the sidebar: the run with both stages finished', async () => {
      await page.sidebar.openTab(PANEL_ID);
      await page.sidebar.setWidth(470);
      await expect(item.locator('.hopsml-Status')).toHaveText('FINISHED');
      await expect(item).toContainText('prepare → report');
      await item.locator('.hopsml-Pipeline-open').click();
      await expect(runs).toHaveCount(1);
      const stages = runs.nth(0).locator('tbody tr');
      await expect(stages).toHaveCount(2);
      await expect(stages.locator('span[data-state]')).toHaveText(['FINISHED', 'FINISHED']);
      await expect(stages.nth(1).locator('.hopsml-Pipeline-duration')).toHaveText(/\d/);
    });

    await test.step("a stage's log tail on click", async () => {
      await runs
        .nth(0)
        .locator('tr[data-stage="report"] button[data-stream="stdout"]')
        .click();
      await expect(item.locator('.hopsml-Pipeline-logTail pre')).toBeVisible();
    });

    await test.step('Run in the sidebar: a second run, followed to its end', async () => {
      await item.locator('button.hopsml-Pipeline-run-button').click();
      await expect(runs).toHaveCount(2);
      await expect(runs.nth(0)).toHaveAttribute('data-state', 'FINISHED', {
        timeout: 120 * 1000
      });
      await expect(runs.nth(0).locator('tbody span[data-state]')).toHaveText([
        'FINISHED',
        'FINISHED'
      ]);
    });

    await test.step('screenshot: the sidebar with the runs', async () => {
      await page.mouse.move(0, 0);
      await page.screenshot({ path: picture('pipelines') });
    });

    expect(
      problems.filter(p => /hopsml/i.test(p)),
      'no HopsML errors in the browser console'
    ).toEqual([]);
  });
});
