// Swagger UI at /docs in a real headless Chromium: the five operations are listed, and "Try it out" on the
// transcoding list reaches the running mpc-mock and shows its 200. Uses Debian's chromium package
// (.ci/run: apt-get install -y chromium), never a browser downloaded by Playwright.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Contract } from '../src/contract/openapi.js';
import { startMpcMock, type RunningMpcMock } from '../src/server.js';
import { testContract, testControlContract } from './helper.js';

const CHROMIUM = '/usr/bin/chromium';
const MISSING = 'Chromium is not installed: .ci/run installs it with apt-get install -y chromium';
const hasChromium = existsSync(CHROMIUM);
const ciValue = process.env.CI;
const inCi = ciValue !== undefined && ciValue !== '' && ciValue !== 'false' && ciValue !== '0';

const PROJECT_ID = '0123456789abcdef0123456789abcdef';
const SCREENSHOT = 'artifacts/docs-try-it-out.png';
// Two shared cores: starting Chromium and rendering Swagger UI can be slow.
const TIMEOUT = 60_000;

/** Every operation of a document, as Swagger UI shows it: its block id, method and path. */
function operationsOf(contract: Contract) {
  return contract.operations().map((op) => {
    const tag = ((op.operation as { tags?: string[] }).tags?.[0] ?? 'default').replace(/ /g, '_');
    return { id: `operations-${tag}-${op.operation.operationId}`, method: op.method, path: op.path };
  });
}


if (!hasChromium && !inCi) console.warn(`Skipping test/docs-browser.test.ts: ${MISSING}`);

// Outside CI a missing Chromium skips the suite; in CI it runs and fails in beforeAll with MISSING.
describe.skipIf(!hasChromium && !inCi)(`Swagger UI at /docs in headless Chromium${hasChromium ? '' : ` (${MISSING})`}`, () => {
  let mock: RunningMpcMock | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error(MISSING);
    mock = await startMpcMock({ port: 0, logLevel: 'silent' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(30_000);
  }, TIMEOUT);

  afterAll(async () => {
    // Each step runs even if an earlier one throws, so no Chromium process or listening server is left behind.
    try {
      await context?.close();
    } finally {
      try {
        await browser?.close();
      } finally {
        await mock?.close();
      }
    }
    if (pageErrors.length > 0) console.warn(`Errors in the /docs page:\n${pageErrors.join('\n')}`);
  }, TIMEOUT);

  async function openDocs(): Promise<Page> {
    if (!context || !mock) throw new Error('beforeAll did not start the server and the browser');
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
    });
    page.on('pageerror', (error) => pageErrors.push(`uncaught: ${error.message}`));
    page.on('requestfailed', (request) => pageErrors.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`));
    const response = await page.goto(`${mock.url}/docs`);
    expect(response?.status()).toBe(200);
    // Swagger UI has rendered once the document's title and the operation blocks are in the page.
    await page.locator('.swagger-ui .info .title').waitFor();
    await page.locator('.swagger-ui .opblock').first().waitFor();
    return page;
  }

  async function expectOperations(page: Page, contract: Contract) {
    const operations = operationsOf(contract);
    for (const op of operations) {
      const block = page.locator(`#${op.id}`);
      await expect.poll(() => block.count(), { message: op.id }).toBe(1);
      expect(await block.getAttribute('class')).toContain(`opblock-${op.method.toLowerCase()}`);
      expect((await block.locator('.opblock-summary-method').textContent())?.trim()).toBe(op.method);
      expect(await block.locator('.opblock-summary-path').getAttribute('data-path')).toBe(op.path);
    }
    const shown = await page.locator('.swagger-ui .opblock').count();
    expect(shown).toBe(operations.length);
  }

  it('lists every operation of the vendor API, and of the control plane beside it', async () => {
    const page = await openDocs();
    try {
      await expectOperations(page, testContract());
      // The top bar offers the control plane's document as a second definition.
      const select = page.locator('.topbar select');
      await select.selectOption({ label: 'mpc-mock control plane' });
      await expect.poll(async () => (await page.locator('.swagger-ui .info .title').textContent()) ?? '').toContain('control plane');
      await expectOperations(page, testControlContract());
    } finally {
      await page.close();
    }
  }, TIMEOUT);

  it('runs "Try it out" on ListTranscodingTask against the running server and shows a 200 with task_array', async () => {
    const page = await openDocs();
    try {
      const op = page.locator('#operations-Transcoding-ListTranscodingTask');
      await op.locator('.opblock-summary-control').click();
      await op.locator('button.try-out__btn', { hasText: 'Try it out' }).click();

      await op.locator('tr[data-param-name="project_id"] input').fill(PROJECT_ID);

      const expectedPath = `/v1/${PROJECT_ID}/transcodings`;
      const apiResponse = page.waitForResponse((r) => new URL(r.url()).pathname === expectedPath && r.request().method() === 'GET');
      await op.locator('button.execute').click();
      const response = await apiResponse;
      expect(response.url().startsWith(`${mock!.url}${expectedPath}`)).toBe(true);
      expect(response.status()).toBe(200);
      const json = (await response.json()) as { task_array?: unknown; total?: unknown };
      expect(Array.isArray(json.task_array)).toBe(true);
      expect((json.task_array as unknown[]).length).toBeGreaterThan(0);
      expect(typeof json.total).toBe('number');

      // What Swagger UI shows as the server's response.
      const live = op.locator('.live-responses-table');
      const status = live.locator('.response .response-col_status');
      await status.first().waitFor();
      expect((await status.first().textContent())?.trim()).toBe('200');
      const body = live.locator('.response-col_description .highlight-code pre').first();
      await expect.poll(async () => (await body.textContent()) ?? '').toContain('"task_array"');
      const shownBody = JSON.parse((await body.textContent()) ?? '') as { task_array?: unknown; total?: unknown };
      expect(Array.isArray(shownBody.task_array)).toBe(true);
      expect(shownBody.total).toBe(json.total);
      // The document gives the time window no example, so Swagger UI pre-fills none that would hide the tasks.
      const shownUrl = new URL((await op.locator('.request-url pre').textContent())?.trim() ?? '');
      expect(`${shownUrl.origin}${shownUrl.pathname}`).toBe(`${mock!.url}${expectedPath}`);
      expect(shownUrl.searchParams.has('start_time')).toBe(false);

      await mkdir('artifacts', { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await page.close();
    }
  }, TIMEOUT);
});
