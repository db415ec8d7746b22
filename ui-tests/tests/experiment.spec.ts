/**
 * End to end: run an %%experiment cell on local Spark, watch the HopsML sidebar
 * pick it up by itself (server event, no Refresh click), open its detail view.
 */
import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

const SIDEBAR_ID = 'hopsml-sidebar';
const EXPERIMENT = 'ui-smoke';
const SCREENSHOT = path.resolve(__dirname, '../test-results/sidebar.png');

const EXPERIMENT_CELL = [
  `%%experiment ${EXPERIMENT} --metric accuracy`,
  'def train():',
  // CodeMirror indents the line after "def ...:" itself.
  'return {"accuracy": 0.75}'
].join('\n');

test.describe('HopsML Lab', () => {
  // Large enough for a readable picture of the sidebar and the detail.
  test.use({ viewport: { width: 1280, height: 800 } });

  test('an %%experiment run shows up in the sidebar and opens its detail', async ({
    page
  }) => {
    // Record what the browser complains about, to report it if the test fails.
    const problems: string[] = [];
    page.on('pageerror', error => problems.push(`pageerror: ${error.message}`));
    page.on('console', message => {
      if (message.type() === 'error') {
        const where = message.location().url;
        problems.push(`console.error: ${message.text()}${where ? ` (${where})` : ''}`);
      }
    });

    try {
      const sidebarPanel = page.locator(`#${SIDEBAR_ID}`);
      const items = sidebarPanel.locator('li.hopsml-ExperimentList-item');
      const name = page.locator('.hopsml-ExperimentList-name', {
        hasText: new RegExp(`^${EXPERIMENT}$`)
      });
      const item = items.filter({ has: name });
      const count = sidebarPanel.locator('.hopsml-ExperimentList-count');
      const sidebarError = sidebarPanel.locator('.hopsml-Error');

      await test.step('open the HopsML sidebar: no experiments yet', async () => {
        await expect(page.locator(`.jp-SideBar [title="HopsML Lab"]`)).toBeVisible();
        await page.sidebar.openTab(SIDEBAR_ID);
        await expect(sidebarPanel).toBeVisible();
        // The list loaded (an error is drawn in the sidebar, above the count).
        await expect.soft(sidebarError, 'no error in the HopsML sidebar').toHaveCount(0);
        await expect(count).toHaveText('0 experiments');
        await expect(items).toHaveCount(0);
      });

      let experimentId = '';
      await test.step('run the %%experiment cell in a new notebook', async () => {
        await page.notebook.createNew();
        await page.notebook.setCell(0, 'code', '%load_ext hopsml_lab');
        await page.notebook.addCell('code', EXPERIMENT_CELL);
        // Both cells, in order; waits until the kernel is idle again.
        await page.notebook.run();

        const result = page.locator('.jp-OutputArea-output .hopsml-experiment-result');
        await expect(result).toBeVisible({ timeout: 150 * 1000 });
        await expect(result).toContainText(`Experiment ${EXPERIMENT}`);
        await expect(result).toContainText('finished');
        experimentId = (await result.getAttribute('data-experiment-id')) ?? '';
        expect(experimentId).not.toBe('');
      });

      await test.step('the sidebar lists it by itself (no Refresh click)', async () => {
        await page.sidebar.openTab(SIDEBAR_ID);
        // The server checks the catalog every second and emits an event; the
        // sidebar refreshes on it. Give it a few seconds, never click Refresh.
        await expect(item).toHaveCount(1, { timeout: 15 * 1000 });
        await expect(item).toHaveAttribute('data-experiment-id', experimentId);
        await expect(sidebarError).toHaveCount(0);
        await expect(count).toHaveText(/^1 experiments?$/);
      });

      await test.step('open the experiment: detail with its trials', async () => {
        await item.locator('button.hopsml-ExperimentList-open').click();

        const detail = page.locator(
          `#jp-main-dock-panel .hopsml-ExperimentDetail` +
            `[data-experiment-id="${experimentId}"]`
        );
        await expect(detail).toBeVisible();
        await expect(detail.locator('h1')).toHaveText(EXPERIMENT);

        const trials = detail.locator('table.hopsml-Trials');
        await expect(trials).toBeVisible();
        await expect(trials).toContainText('accuracy');
        await expect(trials).toContainText('0.75');
        // The accuracy cell of the (single) trial holds 0.75.
        const headers = await trials.locator('thead th').allTextContents();
        const column = headers.findIndex(h => h.trim() === 'accuracy');
        expect(column).toBeGreaterThanOrEqual(0);
        const rows = trials.locator('tbody tr');
        await expect(rows).toHaveCount(1);
        const value = await rows.first().locator('td').nth(column).textContent();
        expect(Number(value)).toBe(0.75);
        await expect(rows.first()).toContainText('finished');
      });

      await test.step('screenshot: sidebar and detail', async () => {
        fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.mouse.move(0, 0);
        await page.screenshot({ path: SCREENSHOT });
      });
    } finally {
      if (problems.length) {
        console.log(`Browser console errors:\n  ${problems.join('\n  ')}`);
      }
    }
    expect(
      problems.filter(p => /hopsml/i.test(p)),
      'no HopsML errors in the browser console'
    ).toEqual([]);
  });
});
