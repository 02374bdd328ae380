/**
 * The report as a user sees it: opened from disk in headless Chromium (Debian's `chromium`
 * package, driven by puppeteer-core), with every request beyond the file itself refused and
 * recorded, and every console error and page error collected.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from './index';
import { ATTACK, testRun } from './test-run';

// The functions given to page.evaluate run in the page; the project compiles without DOM types.
declare const document: any, location: any, window: any, innerHeight: number;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const run = testRun();

let dir: string;
let browser: Browser;
let page: Page;
let fileUrl: string;
const consoleErrors: string[] = [];
const requests: string[] = [];

// Never skipped: without Chromium every test here fails, saying how to install it (a failing
// beforeAll alone would leave the tests counted as skipped, not failed).
const missing = existsSync(CHROMIUM)
  ? undefined
  : `the report test needs headless Chromium and ${CHROMIUM} does not exist: install it with \`apt-get install -y chromium\` ` +
    "(Debian's package; .ci/run installs it when missing), or set CHROMIUM_PATH to a Chromium binary";
function needChromium(): void {
  if (missing) throw new Error(missing);
}

beforeAll(async () => {
  if (missing) return;
  dir = await mkdtemp(join(tmpdir(), 'flotilla-report-browser-'));
  fileUrl = pathToFileURL(await writeReport(dir, run)).href;
  browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
  page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900, deviceScaleFactor: 1 });
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.setRequestInterception(true);
  page.on('request', (r) => {
    requests.push(r.url());
    if (r.url() === fileUrl) void r.continue();
    else void r.abort();
  });
  await page.goto(fileUrl, { waitUntil: 'load' });
  // The page's script sets this once each chart has drawn for the first time.
  await page.waitForSelector('body[data-charts-drawn="2"]', { timeout: 10_000 });
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Column {
  /** Share of the plot area's pixels in this column that are not transparent. */
  painted: number;
  /** The most frequent colour among them (r,g,b,a). */
  colour: string;
}

/** Reads one pixel column of a chart's canvas, over the plot area, at x-axis value `seconds`. */
async function column(chartId: string, seconds: number): Promise<Column> {
  return page.evaluate(
    (id, s, duration) => {
      const root = document.getElementById(id)!;
      const canvas = root.querySelector('canvas')!;
      const over = root.querySelector('.u-over')!.getBoundingClientRect();
      const box = canvas.getBoundingClientRect();
      const scale = canvas.width / box.width;
      const x = Math.round((over.left - box.left + (s / duration) * over.width) * scale);
      const top = Math.round((over.top - box.top) * scale);
      const height = Math.round(over.height * scale);
      const px = canvas.getContext('2d')!.getImageData(x, top, 1, height).data;
      const counts = new Map<string, number>();
      let painted = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3] === 0) continue;
        painted++;
        const key = `${px[i]},${px[i + 1]},${px[i + 2]},${px[i + 3]}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const colour = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
      return { painted: painted / height, colour };
    },
    chartId,
    seconds,
    run.durationS,
  );
}

describe('the report in a browser', () => {
  it('draws both charts on canvases of real size with something on them', async () => {
    needChromium();
    const canvases = await page.$$eval('.chart canvas', (cs) =>
      cs.map((c) => {
        const canvas = c as any;
        const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) painted++;
        return { width: canvas.width, height: canvas.height, painted: painted / (canvas.width * canvas.height) };
      }),
    );
    expect(canvases).toHaveLength(2);
    for (const c of canvases) {
      expect(c.width).toBeGreaterThan(500);
      expect(c.height).toBeGreaterThan(150);
      // Axes, grid, series and two shaded windows: far more than a blank canvas's none.
      expect(c.painted).toBeGreaterThan(0.05);
    }
    // The legend lists the series computed from the history.
    const legend = await page.$$eval('#chart-throughput .u-legend .u-label', (ls) => ls.map((l) => l.textContent));
    expect(legend).toEqual(['second', 'ok, all', 'ok, append', 'ok, end', 'ok, fetch', 'failed', 'unknown']);
  });

  it('shades each fault window across the plot, from its start to its end and nowhere else', async () => {
    needChromium();
    for (const chart of ['chart-throughput', 'chart-latency']) {
      const colours: string[] = [];
      for (const w of run.windows) {
        const inside = await column(chart, (w.startS + w.endS) / 2 + 0.25);
        expect(inside.painted, `${chart}: ${w.fault} window`).toBeGreaterThan(0.9);
        // Just inside its edges, shaded; just outside, not.
        expect((await column(chart, w.startS + 0.2)).colour).toBe(inside.colour);
        expect((await column(chart, w.endS - 0.2)).colour).toBe(inside.colour);
        expect((await column(chart, w.startS - 0.4)).painted, `${chart}: before ${w.fault}`).toBeLessThan(0.2);
        expect((await column(chart, w.endS + 0.4)).painted, `${chart}: after ${w.fault}`).toBeLessThan(0.2);
        colours.push(inside.colour);
      }
      // One colour per fault kind.
      expect(new Set(colours).size).toBe(run.windows.length);
    }
  });

  it("an anomaly's link jumps to the invocation line in the embedded history and marks its completion", async () => {
    needChromium();
    const { line, value } = run.lost;
    await page.click(`#anomalies a[href="#L${line}"]`);
    // The partner is marked on hashchange, which fires after the hash has changed.
    await page.waitForFunction((l) => location.hash === `#L${l}` && document.querySelector('tr.pair') !== null, { timeout: 5000 }, line);
    const seen = await page.evaluate(() => {
      const target = document.querySelector(':target')!;
      const pair = document.querySelector('tr.pair');
      const r = target.getBoundingClientRect();
      return { id: target.id, text: target.textContent, inView: r.top >= 0 && r.bottom <= innerHeight, pair: pair?.id, pairText: pair?.textContent };
    });
    expect(seen.id).toBe(`L${line}`);
    expect(seen.inView).toBe(true);
    expect(seen.text).toContain(`{"type":"invoke","process":`);
    expect(seen.text).toContain(`"value":"${value}"`);
    expect(seen.pairText).toContain(`{"type":"ok","process":`);
    expect(seen.pairText).toContain(`"value":"${value}"`);
    expect(Number(seen.pair!.slice(1))).toBeGreaterThan(line);
  });

  it('shows user data as text: the injection attempts add no element and run nothing', async () => {
    needChromium();
    const seen = await page.evaluate(() => ({
      pwned: typeof window.__pwned,
      images: document.querySelectorAll('img').length,
      bolds: document.querySelectorAll('b').length,
      scripts: document.querySelectorAll('script').length,
      text: document.body.innerText,
    }));
    expect(seen).toMatchObject({ pwned: 'undefined', images: 0, bolds: 0, scripts: 3 });
    expect(seen.text).toContain(`node 2 ${ATTACK}`);
    expect(seen.text).toContain(`no write after ${ATTACK}`);
  });

  it('logs no error and requests nothing but the file itself', () => {
    needChromium();
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([fileUrl]);
  });
});
