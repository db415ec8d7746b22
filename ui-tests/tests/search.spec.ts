/**
 * End to end: a grid search from a notebook shows live progress in its cell, lands in
 * the sidebar, and two searches are compared side by side; a trial is reproduced.
 * One test, one kernel: Spark starts once (it is most of the time).
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';

import { fillNotebook, runAllCells } from './notebook';

const SIDEBAR_ID = 'hopsml-sidebar';
/** Pictures of the views, to look at after a run (not compared). The README's picture of
 * a search's detail comes from themes.spec.ts (a larger search, in both themes). */
const picture = (name: string) => path.resolve(__dirname, `../test-results/${name}.png`);

/** Two grid searches; each trial streams `score` for three steps. */
const SEARCH = (name: string, grid: string, pause: number) =>
  [
    `%%experiment ${name} --grid x=${grid} --metric score`,
    'def train(x):',
    '    for step in range(3):',
    `        tracking.log_metric("score", x * (step + 1), step=step)`,
    `        time.sleep(${pause})`,
    '    return {"score": 3 * x}'
  ].join('\n');

const CELLS = [
  '%load_ext hopsml_lab\nimport time\nfrom hopsml_lab import tracking',
  SEARCH('ui-search', '1,2,3', 0.5),
  SEARCH('ui-search-b', '4,5', 0)
];

test.describe('HopsML Lab searches', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('a grid search shows live progress; two searches compare side by side', async ({
    page
  }) => {
    const problems: string[] = [];
    page.on('pageerror', error => problems.push(`pageerror: ${error.message}`));
    // Our plotly.js chunk (the notebook's figures come from jupyterlab-plotly's own).
    const plotlyChunks: string[] = [];
    page.on('request', request => {
      if (/hopsml-lab\/static\/.*plotly/.test(request.url())) {
        plotlyChunks.push(request.url());
      }
    });
    const sidebar = page.locator(`#${SIDEBAR_ID}`);
    const item = (name: string) =>
      sidebar.locator('li.hopsml-ExperimentList-item').filter({
        has: page.locator('.hopsml-ExperimentList-name', { hasText: new RegExp(`^${name}$`) })
      });
    const cell = (n: number) => page.locator('.jp-Notebook .jp-Cell').nth(n);
    const ids: string[] = [];

    await test.step('write the notebook and start all cells', async () => {
      await page.notebook.createNew();
      await fillNotebook(page, CELLS);
      await page.notebook.save(); // the experiment's snapshot copies the saved notebook
      await runAllCells(page);
    });

    await test.step('the search cell shows trial counts while it runs', async () => {
      const summary = cell(1).locator('.widget-html-content');
      // Trials sleep 1.5 s each on two slots, so this holds for seconds.
      await expect(summary).toContainText(/^[0-2]\/3 done · [1-3] running/, {
        timeout: 150 * 1000
      });
      await expect(summary).toContainText(/^finished · 3\/3 done · 0 running/, {
        timeout: 60 * 1000
      });
      await expect(summary).toContainText('best score 9');
      const result = cell(1).locator('.hopsml-experiment-result');
      await expect(result).toContainText('Experiment ui-search');
      await expect(result).toContainText('finished');
      ids.push((await result.getAttribute('data-experiment-id')) ?? '');
      // Plotly figures in the cell: the live curves, then parallel coordinates.
      await expect(cell(1).locator('.js-plotly-plot').first()).toBeVisible();
    });

    await test.step('the second search finishes', async () => {
      const result = cell(2).locator('.hopsml-experiment-result');
      await expect(result).toContainText('finished', { timeout: 60 * 1000 });
      ids.push((await result.getAttribute('data-experiment-id')) ?? '');
    });

    await test.step('the sidebar lists both', async () => {
      await page.sidebar.openTab(SIDEBAR_ID);
      await expect(item('ui-search')).toHaveCount(1, { timeout: 15 * 1000 });
      await expect(item('ui-search')).toContainText('3 trials');
      await expect(item('ui-search-b')).toHaveCount(1);
      await expect(item('ui-search')).toHaveAttribute('data-experiment-id', ids[0]);
    });

    await test.step('tick both and compare them side by side', async () => {
      expect(plotlyChunks, 'the sidebar alone does not load plotly.js').toEqual([]);
      await item('ui-search').locator('input.hopsml-ExperimentList-select').check();
      await item('ui-search-b').locator('input.hopsml-ExperimentList-select').check();
      await sidebar.getByRole('button', { name: 'Compare' }).click();

      const compare = page.locator('#jp-main-dock-panel .hopsml-Compare');
      await expect(compare).toBeVisible();
      const head = compare.locator('table.hopsml-CompareTable thead th');
      await expect(head).toHaveText(['Experiment', 'ui-search', 'ui-search-b']);
      const x = compare.locator('table.hopsml-CompareTable tr', { has: page.getByText('x', { exact: true }) });
      await expect(x.locator('td')).toHaveText(['3', '5']); // the best trials' params
      // The best trials' curves, overlaid: one line each.
      const curves = compare.locator('.hopsml-Plot[data-chart="metric curves: score"]');
      await expect(curves.locator('.scatterlayer .trace')).toHaveCount(2);
      await expect(curves.locator('.legendtext')).toHaveText([
        new RegExp(`^ui-search · ${ids[0].slice(-6)} · trial_2$`),
        new RegExp(`^ui-search-b · ${ids[1].slice(-6)} · trial_1$`)
      ]);
      await page.screenshot({ path: picture('compare') });
      expect(plotlyChunks).toHaveLength(1); // loaded once, on the first chart
    });

    await test.step('the detail of a search: curves per trial and parallel coordinates', async () => {
      await item('ui-search').locator('button.hopsml-ExperimentList-open').click();
      const detail = page.locator(
        `#jp-main-dock-panel .hopsml-ExperimentDetail[data-experiment-id="${ids[0]}"]`
      );
      await expect(detail.locator('table.hopsml-Trials tbody tr')).toHaveCount(3);
      // best first: the trial with x=3
      await expect(detail.locator('table.hopsml-Trials tbody tr').first()).toHaveAttribute(
        'data-trial',
        'trial_2'
      );
      const curves = detail.locator('.hopsml-Plot[data-chart="metric curves: score"]');
      await expect(curves.locator('.scatterlayer .trace')).toHaveCount(3);
      const parallel = detail.locator('.hopsml-Plot[data-chart="parallel coordinates"]');
      await expect(parallel.locator('.js-plotly-plot')).toBeVisible();
      await page.mouse.move(0, 0);
      await page.screenshot({ path: picture('detail') });
      await parallel.scrollIntoViewIfNeeded();
      await parallel.screenshot({ path: picture('parallel') });
    });

    await test.step('Reproduce opens the snapshot notebook with the trial params', async () => {
      const detail = page.locator(`.hopsml-ExperimentDetail[data-experiment-id="${ids[0]}"]`);
      await detail.locator('tr[data-trial="trial_0"] button.hopsml-Reproduce').click();
      const tab = page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
        hasText: `ui-search-${ids[0]}-trial_0`
      });
      await expect(tab).toBeVisible();
      const cells = page.locator('.jp-NotebookPanel:visible .jp-Cell');
      await expect(cells.nth(1)).toContainText('x = 1');
      await expect(cells.nth(3)).toContainText('%%experiment ui-search --grid');
      await page.screenshot({ path: picture('reproduce') });
    });

    expect(problems.filter(p => /hopsml|plotly/i.test(p))).toEqual([]);
  });
});
