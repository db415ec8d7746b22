/**
 * Playwright configuration for the HopsML Lab browser tests.
 *
 * Starts `jupyter lab` from the project's virtual environment (../.venv) with a
 * fresh, empty HopsML project and drives Debian's Chromium (no browser download:
 * run with PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const VENV_BIN = path.resolve(__dirname, '../.venv/bin');
const JUPYTER = path.join(VENV_BIN, 'jupyter');
const PORT = 8888;
const BASE_URL = `http://127.0.0.1:${PORT}`;

// One fresh project (catalog, experiment folders) per run. The config file is
// evaluated again in each worker process: they inherit the variable, so the
// folder is made only once.
if (!process.env.HOPSML_UI_PROJECT_ROOT) {
  process.env.HOPSML_UI_PROJECT_ROOT = fs.mkdtempSync(
    path.join(os.tmpdir(), 'hopsml-ui-project-')
  );
}
const PROJECT_ROOT = process.env.HOPSML_UI_PROJECT_ROOT;

module.exports = {
  ...baseConfig,
  testDir: './tests',
  // Spark's first start in the kernel alone takes ~10 s or more.
  timeout: 180 * 1000,
  expect: { timeout: 30 * 1000 },
  retries: 0,
  workers: 1,
  fullyParallel: false,
  reporter: 'list',
  outputDir: './test-results',
  use: {
    ...baseConfig.use,
    baseURL: BASE_URL,
    browserName: 'chromium',
    // Videos need Playwright's ffmpeg download, which these runs skip.
    video: 'off',
    trace: 'retain-on-failure',
    actionTimeout: 30 * 1000,
    navigationTimeout: 60 * 1000,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox', // the tests run as root
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking', // the machine has no network
        '--disable-component-update',
        '--disable-sync',
        '--disable-default-apps',
        '--no-first-run'
      ]
    }
  },
  projects: [
    {
      name: 'chromium',
      use: { browserName: 'chromium' }
    }
  ],
  webServer: {
    command: `"${JUPYTER}" lab --config jupyter_server_test_config.py`,
    cwd: __dirname,
    url: `${BASE_URL}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      HOPSML_PROJECT_ROOT: PROJECT_ROOT,
      HOPSML_SPARK_MASTER: 'local[2]',
      // The kernel (and Spark's Python workers) should find the venv's python first.
      PATH: `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}`
    }
  }
};
