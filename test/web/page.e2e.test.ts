/**
 * End-to-end: builds the single-page app with Vite, serves it with a run directory, and drives it
 * in headless Chromium (Debian's /usr/bin/chromium through playwright-core; .ci/run installs it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createWebServer, listen } from '../../src/web/server.js';
import { limitEstimate, reportedBound } from '../../src/theory/index.js';
import { fixtureReport } from '../helpers/report-fixture.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { buildPlan, type PlanResult } from '../../src/plan/build-plan.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
let tmp: string;
let planJson: PlanResult;
let server: http.Server;
let base: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'specbound-e2e-'));
  const assets = path.join(tmp, 'web');
  await build({ configFile: path.join(REPO_ROOT, 'src/web/app/vite.config.ts'), logLevel: 'error', build: { outDir: assets, emptyOutDir: true } });
  const runs = path.join(tmp, 'runs');
  await mkdir(path.join(runs, 'run-a'), { recursive: true });
  await writeFile(path.join(runs, 'run-a', 'report.json'), JSON.stringify(fixtureReport(0.5, 1.2)));
  // A real plan (Llama-3.1-8B preset on an H100, batch 8 and 32) as `specbound plan --json` writes it.
  const { result } = await buildPlan({ preset: 'llama3.1-8b', gpu: 'h100-sxm', drafter: 'eagle', usdPerGpuHour: 2.5, batches: [8, 32], contextLength: 128 });
  planJson = result;
  await writeFile(path.join(runs, 'run-a', 'plan.json'), JSON.stringify(result));
  // A run made by `specbound measure` alone: results.json, no report.json.
  await mkdir(path.join(runs, 'run-b'), { recursive: true });
  await writeFile(path.join(runs, 'run-b', 'results.json'), JSON.stringify(fixtureReport(0.8, 2.0)));
  server = createWebServer({ assetsDir: assets, runsDir: runs });
  await listen(server, 0, '127.0.0.1');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => process.stderr.write(`browser error: ${e.message}\n`));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await rm(tmp, { recursive: true, force: true });
});

const valueOf = async (id: string) => Number(await page.locator(`#${id}`).getAttribute('data-value'));

describe('the web page in headless Chromium', () => {
  it('explorer: moving the mu slider updates the plotted Theorem 1 and ln P/mu values to theory/', async () => {
    await page.goto(`${base}/#/explorer?mu=0.683&mu2=2.96&pmin=2&pmax=1024&p=60&sim=0`);
    await page.waitForSelector('#explorer-plot svg');
    // Initial state = Llama-3.1-8B mean row: Theorem 1 at P = 60 is 23.33 (hand check in test/theory).
    expect(await valueOf('readout-theorem1')).toBeCloseTo(reportedBound({ mu: 0.683, mu2: 2.96 }, 60).value, 9);
    // Move the slider to mu = 1.2 (mu2 = 2.96 >= 1.44 stays).
    // Set the range input as a drag would, then fire the event the slider fires (runs in the page).
    await page.evaluate(`(() => { const el = document.querySelector('#mu-slider'); el.value = '1.2'; el.dispatchEvent(new Event('input', { bubbles: true })); })()`);
    await expect.poll(() => valueOf('readout-limit')).toBeCloseTo(limitEstimate(1.2, 60), 9);
    expect(await valueOf('readout-theorem1')).toBeCloseTo(reportedBound({ mu: 1.2, mu2: 2.96 }, 60).value, 9);
    // The URL carries the new state (shareable).
    expect(page.url()).toContain('mu=1.2');
    // The plot has one line per theory series.
    expect(await page.locator('#explorer-plot svg [aria-label="line"] path').count()).toBeGreaterThanOrEqual(2);
  });

  it('explorer: the i.i.d. simulation runs in a worker and stays under Theorem 1', async () => {
    await page.goto(`${base}/#/explorer?mu=0.683&mu2=2.96&pmin=2&pmax=256&p=60`);
    await expect.poll(() => page.locator('#readout-iid').getAttribute('data-value'), { timeout: 60_000 }).not.toBe('');
    const iid = await valueOf('readout-iid');
    expect(iid).toBeGreaterThan(1);
    expect(iid).toBeLessThanOrEqual(reportedBound({ mu: 0.683, mu2: 2.96 }, 60).value);
    await mkdir(path.join(REPO_ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-output', 'web-explorer.png'), fullPage: true });
  });

  /**
   * Layout at a narrow and a wide window: no text drawn below 10 px (the computed font size times
   * the SVG's scale factor, since a viewBox scales its text) and nothing wider than its container.
   */
  for (const width of [800, 1400]) {
    it(`explorer at ${width} px: readable text, no overflow, legend lists only drawn curves`, async () => {
      const view = await browser.newPage({ viewport: { width, height: 1000 } });
      const notFound: string[] = [];
      view.on('response', (r) => {
        if (r.status() === 404) notFound.push(r.url());
      });
      await view.goto(`${base}/#/explorer`);
      await view.waitForSelector('#explorer-plot svg');
      await expect.poll(() => view.locator('#readout-iid').getAttribute('data-value'), { timeout: 60_000 }).not.toBe('');
      // A fresh address names the preset whose values it shows.
      expect(await view.locator('#preset-select').inputValue()).toBe('llama3.1-8b');
      const layout = await view.evaluate<{ smallest: { text: string; px: number }[]; overflow: string[]; selectInside: boolean; plotClear: boolean; legend: string[] }>(`(() => {
        const smallest = [];
        for (const node of document.querySelectorAll('main *, header *')) {
          if (!(node instanceof Element)) continue;
          const hasText = [...node.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim() !== '');
          if (!hasText) continue;
          const r = node.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue;
          const size = parseFloat(getComputedStyle(node).fontSize);
          const svg = node.closest('svg');
          const scale = svg === null || !svg.viewBox.baseVal || svg.viewBox.baseVal.width === 0 ? 1 : svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          smallest.push({ text: node.textContent.trim().slice(0, 30), px: size * scale });
        }
        smallest.sort((a, b) => a.px - b.px);
        const overflow = [];
        for (const node of document.querySelectorAll('main *')) {
          const r = node.getBoundingClientRect();
          if (r.width === 0) continue;
          if (r.right > document.documentElement.clientWidth + 0.5) overflow.push(node.tagName + '#' + node.id + ' right ' + r.right);
        }
        const select = document.querySelector('#preset-select').getBoundingClientRect();
        const fieldset = document.querySelector('#preset-select').closest('fieldset').getBoundingClientRect();
        const plot = document.querySelector('#explorer-plot').getBoundingClientRect();
        const controls = document.querySelector('.controls').getBoundingClientRect();
        const legend = [...document.querySelectorAll('#explorer-plot [class*="swatch"]')].map((s) => s.textContent.trim()).filter((t) => t !== '');
        return { smallest: smallest.slice(0, 3), overflow, selectInside: select.right <= fieldset.right + 0.5, plotClear: plot.left >= controls.right - 0.5 || plot.top >= controls.bottom - 0.5, legend };
      })()`);
      expect(layout.smallest[0]!.px, JSON.stringify(layout.smallest)).toBeGreaterThanOrEqual(10);
      expect(layout.overflow).toEqual([]);
      expect(layout.selectInside).toBe(true);
      expect(layout.plotClear).toBe(true);
      // No drafter cross-entropy given: its curve is not drawn, so not in the legend either.
      expect(layout.legend.some((t) => t.includes('μ_CE'))).toBe(false);
      expect(layout.legend.some((t) => t.includes('i.i.d.'))).toBe(true);
      // The simulated curve has its 95% band.
      expect(await view.locator('#explorer-plot svg [aria-label="area"] path').count()).toBe(1);
      expect(notFound).toEqual([]);
      await mkdir(path.join(REPO_ROOT, 'test-output'), { recursive: true });
      await view.screenshot({ path: path.join(REPO_ROOT, 'test-output', `web-explorer-${width}.png`), fullPage: true });
      await view.close();
    });
  }

  it('runs list: shows measure-only runs, values at a chosen P, and overlays two runs', async () => {
    const view = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await view.goto(`${base}/#/runs`);
    await view.waitForSelector('#run-list');
    const row = (name: string) => view.locator(`#run-list tr[data-run="${name}"]`);
    expect(await row('run-b').count()).toBe(1);
    expect(await row('run-b').innerText()).toContain('measure');
    // At P = 60 (read at 32): run-a's oracle 1 + 0.9·ln 32/0.5 = 7.238, q-greedy's share (1 + ln 32)/(1 + 1.8·ln 32).
    expect(Number(await row('run-a').locator('.oracle-at-p').innerText())).toBeCloseTo(1 + (0.9 * Math.log(32)) / 0.5, 2);
    expect(await row('run-a').locator('.best-drafter').innerText()).toBe('q-greedy');
    expect(await row('run-a').locator('.share').innerText()).toBe(`${Math.round((100 * (1 + Math.log(32))) / (1 + 1.8 * Math.log(32)))}%`);
    // Another P: 8 reads P = 8.
    await view.locator('#runs-p').fill('8');
    await view.locator('#runs-p').dispatchEvent('change');
    expect(Number(await row('run-a').locator('.oracle-at-p').innerText())).toBeCloseTo(1 + (0.9 * Math.log(8)) / 0.5, 2);
    await mkdir(path.join(REPO_ROOT, 'test-output'), { recursive: true });
    await view.screenshot({ path: path.join(REPO_ROOT, 'test-output', 'web-runs-list.png'), fullPage: true });
    // Tick both runs and overlay them.
    expect(await view.locator('#compare-runs').isDisabled()).toBe(true);
    await view.locator('input.run-pick[data-run="run-a"]').check();
    await view.locator('input.run-pick[data-run="run-b"]').check();
    await view.locator('#compare-runs').click();
    await view.waitForSelector('#fig-compare svg');
    expect(await view.locator('#compare-title').innerText()).toBe('run-a and run-b');
    // Each run: oracle, i.i.d., two drafters = 8 lines, labelled by run.
    expect(await view.locator('#fig-compare svg [aria-label="line"] path').count()).toBe(8);
    const svgText = await view.locator('#fig-compare svg').innerHTML();
    for (const label of ['run-a: oracle E[X*]', 'run-b: oracle E[X*]', 'run-b: q-greedy']) expect(svgText).toContain(label);
    await view.screenshot({ path: path.join(REPO_ROOT, 'test-output', 'web-runs-compare.png'), fullPage: true });
    await view.close();
  });

  it('runs: lists the run, opens it, shows its figures with hover values and the plan view', async () => {
    await page.goto(`${base}/#/runs`);
    await page.waitForSelector('#run-list');
    await page.locator('a.run-link', { hasText: 'run-a' }).click();
    await page.waitForSelector('#fig-accepted svg');
    // One line per curve: oracle, iid, chain, q-greedy, Theorem 1, ln P/mu.
    expect(await page.locator('#fig-accepted svg [aria-label="line"] path').count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('#stats-table').innerText()).toContain('0.5');
    const box = (await page.locator('#fig-accepted svg').first().boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4);
    await expect.poll(() => page.locator('#fig-accepted svg [aria-label="tip"]').innerHTML()).toContain('E[X] =');
    expect(await page.locator('#plan-best').innerText()).toContain(`best P = ${planJson.best.P}`);
    // The same context as the CLI, in words: model, GPU, drafter, batch, and every note.
    const context = await page.locator('#plan-context').innerText();
    for (const words of ['Llama 3.1 8B', 'NVIDIA H100 SXM5 80GB', 'an EAGLE-3 head drafting trees', '8 sequences sharing each verifier pass', 'Break-even batch']) expect(context).toContain(words);
    const notes = await page.locator('#plan-notes li').allInnerTexts();
    expect(notes).toEqual(planJson.notes);
    expect(await page.locator('#plan-batches tr').count()).toBe(3);
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-output', 'web-run.png'), fullPage: true });
  });
});
