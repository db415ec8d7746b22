/**
 * What a new user sees first: a finished grid search's detail (trials, metric curves per
 * trial, parallel coordinates), readable in JupyterLab Light and JupyterLab Dark, and a
 * sidebar whose selectors show their whole text. The search is seeded by a plain Python
 * script into the test server's project before the page opens; this file runs after the
 * others (they go in name order), as experiment.spec.ts starts from an empty project.
 *
 * UPDATE_SCREENSHOT=1 refreshes the README's first picture (docs/detail-light.png) and
 * its dark twin (docs/detail-dark.png); otherwise they go to test-results/.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';

import { contrastOf, IContrast, MIN_CONTRAST, selectOverflow } from './readability';

const SIDEBAR_ID = 'hopsml-sidebar';
const SEARCH = 'churn-mlp';
const PYTHON = path.resolve(__dirname, '../../.venv/bin/python');
const THEMES = ['JupyterLab Light', 'JupyterLab Dark'];
/** Every trial and experiment status the views draw a badge for. */
const STATUSES = ['queued', 'running', 'finished', 'failed', 'killed', 'stopped', 'lost'];

const picture = (name: string) =>
  process.env.UPDATE_SCREENSHOT
    ? path.resolve(__dirname, `../../docs/${name}.png`)
    : path.resolve(__dirname, `../test-results/${name}.png`);

/** Six trials (3 learning rates x 2 dropouts), each reporting 12 epochs of curves. */
const SEED = `
import math
from hopsml_lab import experiment, tracking

def train(lr, dropout):
    peak = 0.95 - 0.12 * abs(math.log10(lr) + 2) - 0.1 * (dropout - 0.2)
    for epoch in range(12):
        accuracy = peak * (1 - math.exp(-(epoch + 1) * lr * 25))
        loss = 1.2 * (1 - accuracy) ** 1.5
        tracking.log_metrics({"accuracy": accuracy, "loss": loss}, step=epoch)
    return {"accuracy": round(accuracy, 4), "loss": round(loss, 4)}

experiment.grid_search(
    train,
    {"lr": [0.003, 0.01, 0.03], "dropout": [0.2, 0.5]},
    name="${SEARCH}",
    description="A small MLP on the churn table: learning rate against dropout.",
    optimization_key="accuracy",
)
`;

async function seedSearch(): Promise<void> {
  const root = process.env.HOPSML_UI_PROJECT_ROOT;
  expect(root, 'the project root the test server uses').toBeTruthy();
  await promisify(execFile)(PYTHON, ['-c', SEED], {
    env: {
      ...process.env,
      HOPSML_PROJECT_ROOT: root,
      HOPSML_SPARK_MASTER: 'local[2]',
      HOPSML_SPARK_CONF: 'spark.ui.enabled=false'
    },
    timeout: 150 * 1000
  });
}

/** Every measurement below WCAG's minimum, to report them all at once. */
function unreadable(measured: IContrast[]): string[] {
  return measured
    .filter(m => !(m.ratio >= MIN_CONTRAST))
    .map(m => `${m.what}: ${m.ratio.toFixed(2)} (${m.color} on ${m.background})`);
}

async function each(
  locator: Locator,
  what: (i: number, text: string) => string
): Promise<IContrast[]> {
  const measured: IContrast[] = [];
  for (let i = 0; i < (await locator.count()); i++) {
    const element = locator.nth(i);
    measured.push(await contrastOf(element, what(i, (await element.textContent()) ?? '')));
  }
  return measured;
}

/** One badge of each status, drawn inside ``where`` for the measurement, then removed. */
async function statusBadges(where: Locator, theme: string, place: string) {
  await where.evaluate((element, statuses) => {
    const holder = document.createElement('span');
    holder.className = 'hopsml-TestBadges';
    for (const status of statuses) {
      const badge = document.createElement('span');
      badge.className = `hopsml-Status hopsml-Status-${status}`;
      badge.textContent = status;
      holder.appendChild(badge);
    }
    element.appendChild(holder);
  }, STATUSES);
  const badges = where.locator('.hopsml-TestBadges .hopsml-Status');
  const measured = await each(badges, (i, text) => `${theme}: a ${text} badge ${place}`);
  await where.locator('.hopsml-TestBadges').evaluate(element => element.remove());
  return measured;
}

async function openSearch(page: IJupyterLabPageFixture): Promise<Locator> {
  const sidebar = page.locator(`#${SIDEBAR_ID}`);
  await page.sidebar.openTab(SIDEBAR_ID);
  const item = sidebar.locator('li.hopsml-ExperimentList-item').filter({
    has: page.locator('.hopsml-ExperimentList-name', { hasText: new RegExp(`^${SEARCH}$`) })
  });
  // The newest (first) one: a worker restarted after a failure seeds it again.
  await expect(item.first()).toBeVisible({ timeout: 15 * 1000 });
  await item.first().locator('button.hopsml-ExperimentList-open').click();
  const detail = page.locator('#jp-main-dock-panel .hopsml-ExperimentDetail');
  await expect(detail.locator('h1')).toHaveText(SEARCH);
  return detail;
}

test.describe('HopsML Lab first impression: the sidebar', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('its status and sort selectors show their whole text at the default width', async ({
    page
  }) => {
    await page.sidebar.openTab(SIDEBAR_ID);
    const selects = page.locator(`#${SIDEBAR_ID} .hopsml-ExperimentList-filters select`);
    await expect(selects).toHaveCount(2);
    const clipped: string[] = [];
    for (let i = 0; i < 2; i++) {
      const select = selects.nth(i);
      const label = await select.getAttribute('aria-label');
      const size = await select.evaluate(e => [e.scrollWidth, e.clientWidth]);
      if (size[0] > size[1]) {
        clipped.push(`${label}: scrollWidth ${size[0]} > clientWidth ${size[1]}`);
      }
      // Every option: any of them may be the selected one.
      for (const { text, overflow } of await selectOverflow(select)) {
        if (overflow > 0.5) {
          clipped.push(`${label}: "${text}" is ${overflow.toFixed(1)} px too wide`);
        }
      }
    }
    expect(clipped, 'options cut off in the sidebar').toEqual([]);
    await page.screenshot({ path: path.resolve(__dirname, '../test-results/filters.png') });
  });
});

test.describe('HopsML Lab first impression: a grid search', () => {
  test.use({ viewport: { width: 1280, height: 800 } });
  test.beforeAll(seedSearch);

  test('its detail: curves, parallel coordinates, readable in light and dark', async ({
    page
  }) => {
    // Tall enough for the trials, the curves and the parallel coordinates in one picture.
    await page.setViewportSize({ width: 1280, height: 1500 });
    const detail = await openSearch(page);
    const trials = detail.locator('table.hopsml-Trials');
    const rows = trials.locator('tbody tr');
    await expect(rows).toHaveCount(6);
    const best = trials.locator('tbody tr.hopsml-Best');
    await expect(best).toHaveCount(1);
    await expect(best).toContainText('0.01'); // lr=0.01, dropout=0.2
    const curves = detail.locator('.hopsml-Plot[data-chart="metric curves: accuracy"]');
    await expect(curves.locator('.scatterlayer .trace')).toHaveCount(6);
    const parallel = detail.locator('.hopsml-Plot[data-chart="parallel coordinates"]');
    await expect(parallel.locator('.js-plotly-plot')).toBeVisible();
    const sidebarBadges = page.locator(`#${SIDEBAR_ID} .hopsml-Status`);
    await expect(sidebarBadges.first()).toBeVisible();

    const problems: string[] = [];
    for (const theme of THEMES) {
      await test.step(`${theme}: the highlighted and hovered rows, headers and badges`, async () => {
        await page.theme.setTheme(theme);
        expect(await page.theme.getTheme()).toBe(theme);
        await expect(parallel.locator('.js-plotly-plot')).toBeVisible();
        await page.mouse.move(0, 0);
        const cells = (row: Locator) => row.locator('td:not(:has(.hopsml-Status, button))');
        const measured = [
          // The highlighted row (the best trial) is the one that read white on light blue.
          ...(await each(cells(best), (i, text) => `${theme}: the best trial's "${text}"`)),
          ...(await each(trials.locator('thead .hopsml-SortHeader'), (i, text) =>
            `${theme}: the trials' header "${text}"`
          )),
          ...(await each(trials.locator('tbody .hopsml-Status'), (i, text) =>
            `${theme}: a trial's ${text} badge`
          )),
          ...(await each(sidebarBadges, (i, text) => `${theme}: a ${text} badge in the sidebar`)),
          ...(await statusBadges(best.locator('td').first(), theme, 'in the best row')),
          ...(await statusBadges(detail, theme, 'on the detail'))
        ];
        // Select (hover) a row: each row in turn, the best one too.
        for (let i = 0; i < (await rows.count()); i++) {
          const row = rows.nth(i);
          await row.locator('td').first().hover();
          measured.push(
            ...(await each(cells(row), (j, text) => `${theme}: hovered row ${i}'s "${text}"`))
          );
        }
        problems.push(...unreadable(measured));
        await page.mouse.move(0, 0);
        await detail.evaluate(e => e.closest('.hopsml-DetailPanel')?.scrollTo(0, 0));
        const name = theme === 'JupyterLab Dark' ? 'detail-dark' : 'detail-light';
        await page.screenshot({ path: picture(name) });
      });
    }
    expect(problems, `text below a contrast of ${MIN_CONTRAST}:1`).toEqual([]);
  });
});
