/** The report's side-branch table (summary.json "branches", written by track since branches.csv). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/buildReport.js';
import { readRunFolder } from '../../src/report/readRunFolder.js';
import { makeRunFolder } from './makeRunFolder.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function folderWithBranches(branches: unknown): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lidtrack-branches-'));
  dirs.push(dir);
  await makeRunFolder(dir, { images: false });
  const p = join(dir, 'summary.json');
  const s = JSON.parse(readFileSync(p, 'utf8'));
  writeFileSync(p, JSON.stringify({ ...s, branches }, null, 2));
  return dir;
}

describe('report: side branches', () => {
  it('lists each branch with its dendrite, times, final length and growth rate with its interval', async () => {
    const dir = await folderWithBranches([
      { id: 1, dendrite_id: 2, first_t_s: 5.8, last_t_s: 7.9, n_points: 21, final_length_um: 10.0766, velocity_um_per_s: 2.944, velocity_ci95_um_per_s: [2.9, 2.99] },
    ]);
    await buildReport(dir);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<section id="branches">');
    expect(html).toContain('<tr><td>b1</td><td>2</td><td>5.80–7.90</td><td class="num">10.1</td><td class="num">2.94 [2.90, 2.99]</td></tr>');
  });
  it('no branches: no section; a malformed branches entry is left out with a warning, the report is still built', async () => {
    const none = await folderWithBranches([]);
    await buildReport(none);
    expect(readFileSync(join(none, 'report.html'), 'utf8')).not.toContain('id="branches"');
    const bad = await folderWithBranches([{ id: 'one' }]);
    const run = readRunFolder(bad);
    expect(run.summary.branches).toEqual([]);
    expect(run.summary.warnings.join(' ')).toMatch(/branches/);
    await buildReport(bad);
    expect(readFileSync(join(bad, 'report.html'), 'utf8')).not.toContain('id="branches"');
  });
});
