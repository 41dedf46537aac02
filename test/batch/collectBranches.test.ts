/** collectBatch: all_branches.csv combines the recordings' branches.csv with the recording as a column. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchEntry } from '../../src/pipeline/batch/batchManifest.js';
import { collectBatch } from '../../src/pipeline/batch/collectBatch.js';

const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-collect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEAD = 'branch_id,dendrite_id,frame,t_s,tip_x_px,tip_y_px,tip_x_um,tip_y_um,branch_length_um,junction_x_px,junction_y_px,tip_sigma_px,refined';

function result(name: string, branchRows: string[] | null): BatchEntry {
  const out = join(tmp, name);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ status: 'complete' }));
  writeFileSync(join(out, 'summary.json'), JSON.stringify({ tracks: [] }));
  writeFileSync(join(out, 'tracks.csv'), 'track_id,frame,t_s,tip_x_px,tip_y_px,tip_x_um,tip_y_um,length_um\n');
  if (branchRows) writeFileSync(join(out, 'branches.csv'), [HEAD, ...branchRows].join('\n') + '\n');
  return { index: 0, origin: 'test', recording: name, path: `/data/${name}.mp4`, umPerPx: 0.5, platingEdge: 'right', current: null, timestamps: null, fps: null, roi: null, out };
}

describe('collectBatch: side branches', () => {
  it('all_branches.csv = recording + every branches.csv row, in manifest order', () => {
    const a = result('cellA', ['1,2,58,5.8,180.939,74.9559,90.4693,37.478,3.5308,184,65,0.9542,1', '1,2,59,5.9,180.5,75.9,90.25,37.95,4.01,184,65,0.5,1']);
    const b = result('cellB', []);
    const c = result('cellC', ['3,1,10,1,10,20,5,10,6,8,9,1,0']);
    const r = collectBatch({ source: tmp, outDir: tmp, entries: [a, b, c] });
    expect(r.files.map((f) => f.slice(tmp.length + 1))).toContain('all_branches.csv');
    const lines = readFileSync(join(tmp, 'all_branches.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe(`recording,${HEAD}`);
    expect(lines.slice(1)).toEqual([
      'cellA,1,2,58,5.8,180.939,74.9559,90.4693,37.478,3.5308,184,65,0.9542,1',
      'cellA,1,2,59,5.9,180.5,75.9,90.25,37.95,4.01,184,65,0.5,1',
      'cellC,3,1,10,1,10,20,5,10,6,8,9,1,0',
    ]);
  });
  it('no recording with a branch: no all_branches.csv', () => {
    const dir = join(tmp, 'none');
    mkdirSync(dir);
    collectBatch({ source: dir, outDir: dir, entries: [result('cellD', []), result('cellE', null)] });
    expect(existsSync(join(dir, 'all_branches.csv'))).toBe(false);
  });
});
