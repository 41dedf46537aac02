/**
 * report.html in a real headless Chromium (Debian's /usr/bin/chromium via playwright-core):
 * no console error, no failed or network request, every figure rendered with a non-zero size,
 * and a screenshot saved to test/.out/report.png. Also parses the TrackMate XML with the
 * browser's strict XML parser (well-formedness).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/buildReport.js';
import { makeRunFolder } from './makeRunFolder.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '.out');

const MISSING = `${CHROMIUM} is missing: the report browser test needs Debian's chromium (apt-get install chromium; .ci/run installs it)`;
let dir: string;
let browser: Browser | undefined;

/** The launched browser, or a failure (never a skip) naming what to install. */
function chromiumOrFail(): Browser {
  if (!browser) throw new Error(MISSING);
  return browser;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return; // every test below then fails with MISSING
  dir = mkdtempSync(join(tmpdir(), 'lidtrack-html-'));
  await makeRunFolder(dir, { images: true });
  await buildReport(dir, { png: false });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('report.html in headless Chromium', () => {
  it('finds Debian chromium', () => {
    expect(existsSync(CHROMIUM), MISSING).toBe(true);
  });

  it('loads with no console error and no request, shows every figure, and is screenshotted', async () => {
    const page = await chromiumOrFail().newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()}`));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(join(dir, 'report.html')).href;
    await page.goto(url, { waitUntil: 'load' });
    expect(problems).toEqual([]);
    // Only the page itself is fetched: SVGs inline, PNGs as data: URIs.
    expect(requests.filter((u) => !u.startsWith('data:'))).toEqual([url]);

    // Browser-side code as a string: the project compiles without DOM types.
    const sizes = await page.evaluate<Array<{ tag: string; w: number; h: number; ok: boolean }>>(`
      [...document.querySelectorAll('figure.plot > svg, img')].map((el) => {
        const r = el.getBoundingClientRect();
        return { tag: el.tagName, w: r.width, h: r.height, ok: el.tagName !== 'IMG' || (el.complete && el.naturalWidth > 0) };
      })`);
    const svgs = sizes.filter((s) => s.tag.toLowerCase() === 'svg');
    const imgs = sizes.filter((s) => s.tag === 'IMG');
    expect(svgs).toHaveLength(7); // length, j_tip, windowed j_tip, inclusions, inclusion area, fit, drift
    expect(imgs).toHaveLength(3); // 2 key frames + 1 kymograph
    for (const s of sizes) {
      expect(s.ok).toBe(true);
      expect(s.w).toBeGreaterThan(100);
      expect(s.h).toBeGreaterThan(50);
    }
    // The results table shows both dendrites with j_tip and its interval.
    const cells = await page.$$eval('#summary-table tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)));
    expect(cells.map((c) => c[0])).toEqual(['1', '2']);
    expect(cells[0][4]).toMatch(/^6\.3\d+ \[6\.\d+, 6\.\d+\]$/);
    expect(cells[1][4]).toMatch(/^3\.\d+ \[3\.\d+, 3\.\d+\]$/);
    const fitRows = await page.$$eval('#fit-table tbody tr', (rows) => rows.length);
    expect(fitRows).toBe(3);
    const prov = await page.textContent('#provenance');
    expect(prov).toContain('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');

    mkdirSync(OUT, { recursive: true });
    const shot = join(OUT, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).length).toBeGreaterThan(20_000);
    await page.close();
  }, 60_000);

  it('tracks.trackmate.xml and tracks.simple.xml are well-formed XML (strict browser parser)', async () => {
    const page = await chromiumOrFail().newPage();
    for (const f of ['tracks.trackmate.xml', 'tracks.simple.xml']) {
      const xml = readFileSync(join(dir, f), 'utf8');
      const r = await page.evaluate<{ err: string | null; root: string; spots: number; det: number }>(`(() => {
        const doc = new DOMParser().parseFromString(${JSON.stringify(xml)}, 'application/xml');
        const err = doc.getElementsByTagName('parsererror')[0];
        return { err: err ? err.textContent : null, root: doc.documentElement.nodeName, spots: doc.getElementsByTagName('Spot').length, det: doc.getElementsByTagName('detection').length };
      })()`);
      expect(r.err, f).toBeNull();
      if (f === 'tracks.trackmate.xml') expect([r.root, r.spots]).toEqual(['TrackMate', 37]);
      else expect([r.root, r.det]).toEqual(['Tracks', 37]);
    }
    await page.close();
  });
});
