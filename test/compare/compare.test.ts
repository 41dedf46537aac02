/**
 * `lidtrack compare`: a simulate folder (fixture truth) against a "measured" folder made from the
 * same truth with a known offset and at shifted times: the RMSE must equal the offset.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { compareRuns } from '../../src/pipeline/compare.js';
import { runCompareCommand } from '../../src/cli/commands/compare.js';

const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-compare-'));
const sim = join(tmp, 'sim');
const mea = join(tmp, 'measured');
mkdirSync(sim);
mkdirSync(mea);
for (const f of ['truth_inclusions.csv', 'truth.json']) copyFileSync(join('fixtures/ili', f), join(sim, f));
copyFileSync('fixtures/fig2/truth_tracks.csv', join(sim, 'truth_tracks.csv'));

const DX = 0.3, DY = -0.4; // |offset| = 0.5 µm = 1 px at 0.5 µm/px
const DL = 0.7; // length offset [µm]

/** Measured inclusions: truth front/back moved by (DX, DY), at t + 0.25 s during the linear +I phase, id 7. */
function writeMeasuredInclusions(): void {
  const [head, ...ls] = readFileSync('fixtures/ili/truth_inclusions.csv', 'utf8').trim().split('\n');
  const rows = ls.map((l) => l.split(',').map(Number));
  const out = [head];
  for (let i = 10; i + 1 < rows.length && rows[i + 1][2] <= 29.5; i++) {
    const a = rows[i], b = rows[i + 1];
    const m = a.map((x, k) => 0.5 * (x + b[k])); // midpoint in time; front/back linear here
    out.push([7, i, m[2], m[3] + DX, m[4] + DY, m[5] + DX, m[6] + DY, m[7] + DX, m[8] + DY, m[9]].join(','));
  }
  writeFileSync(join(mea, 'inclusions.csv'), out.join('\n') + '\n');
}

/** Measured tracks: truth tips moved by (DX, DY) and lengths by DL, at the truth times, ids swapped. */
function writeMeasuredTracks(): void {
  const [head, ...ls] = readFileSync('fixtures/fig2/truth_tracks.csv', 'utf8').trim().split('\n');
  const out = ['track_id,frame,t_s,tip_x_px,tip_y_px,tip_x_um,tip_y_um,length_um'];
  void head;
  for (const l of ls) {
    const c = l.split(',').map(Number);
    const x = c[5] + DX, y = c[6] + DY;
    out.push([3 - c[0], c[1], c[2], x / 0.5, y / 0.5, x, y, c[7] + DL].join(','));
  }
  writeFileSync(join(mea, 'tracks.csv'), out.join('\n') + '\n');
}
writeMeasuredInclusions();
writeMeasuredTracks();

describe('compareRuns', () => {
  const { result, residuals } = compareRuns(sim, mea);
  it('matches the inclusion and the dendrites by nearest mean distance, ids ignored', () => {
    const inc = result.matches.filter((m) => m.kind === 'inclusion');
    expect(inc.map((m) => [m.measured_id, m.simulated_id])).toEqual([[7, 1]]);
    const trk = result.matches.filter((m) => m.kind === 'track').map((m) => [m.measured_id, m.simulated_id]).sort();
    expect(trk).toEqual([[1, 2], [2, 1]]);
    expect(result.unmatched).toEqual({ measured: [], simulated: [] });
  });
  it('RMSE of front and back equals the offset (0.5 µm = 1 px), bias = (DX, DY)', () => {
    expect(result.um_per_px).toBe(0.5);
    for (const o of ['front', 'back']) {
      const s = result.overall[o];
      expect(s.rmse_um).toBeCloseTo(0.5, 6);
      expect(s.rmse_px).toBeCloseTo(1, 6);
      expect(s.bias[0]).toBeCloseTo(DX, 6);
      expect(s.bias[1]).toBeCloseTo(DY, 6);
    }
    // the centroid is not exactly linear between frames (tapered ends): within 0.02 µm
    expect(Math.abs(result.overall.centroid.rmse_um - 0.5)).toBeLessThan(0.02);
    expect(residuals.filter((r) => r.kind === 'inclusion' && r.observable === 'front').length).toBe(result.overall.front.n);
  });
  it('tip RMSE equals the offset and the length bias equals DL', () => {
    expect(result.overall.tip.rmse_um).toBeCloseTo(0.5, 6);
    expect(result.overall.length.bias[0]).toBeCloseTo(DL, 6);
    expect(result.overall.length.rmse_um).toBeCloseTo(DL, 6);
  });
  it('an identical measurement gives zero residuals', () => {
    const same = join(tmp, 'same');
    mkdirSync(same);
    copyFileSync('fixtures/ili/truth_inclusions.csv', join(same, 'inclusions.csv'));
    const r = compareRuns(sim, same, { match: 'id' }).result;
    expect(r.overall.front.rmse_um).toBe(0);
    expect(r.overall.centroid.rmse_um).toBe(0);
    expect(r.matches[0].n).toBe(121);
  });
});

describe('compare command', () => {
  it('writes residuals, compare.json and the SVG figure with its spec', async () => {
    const out = join(tmp, 'out');
    await runCompareCommand(sim, mea, { out });
    for (const f of ['compare-residuals.csv', 'compare.json', 'compare-plot.svg', 'compare-plot.vl.json']) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, 'compare-plot.svg'), 'utf8')).toMatch(/^<svg/);
    const head = readFileSync(join(out, 'compare-residuals.csv'), 'utf8').split('\n')[0];
    expect(head).toBe('kind,measured_id,simulated_id,observable,frame,t_s,measured_x_um,measured_y_um,simulated_x_um,simulated_y_um,residual_x_um,residual_y_um,residual_um,measured_value,simulated_value,unit');
    await expect(runCompareCommand(sim, mea, { out })).rejects.toThrow(/already holds comparison results/);
  });
  it('bad input: missing folder, folder without tables, bad column → InputError', () => {
    expect(() => compareRuns(join(tmp, 'nope'), mea)).toThrow(InputError);
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    expect(() => compareRuns(sim, empty)).toThrow(/holds no inclusions.csv/);
    const bad = join(tmp, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'inclusions.csv'), 'inclusion_id,frame,t_s,front_x_um\n1,0,0,1\n');
    expect(() => compareRuns(sim, bad)).toThrow(/inclusions\.csv:1: no column front_y_um/);
  });
  it('CLI: exit 0 with a summary line; exit 2 with one line on bad input', () => {
    const ok = spawnSync(process.execPath, ['bin/lidtrack.js', 'compare', sim, mea, '--out', join(tmp, 'cli')], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/compare: 3 matched; front RMSE 0\.5 um \(1 px\)/);
    const bad = spawnSync(process.execPath, ['bin/lidtrack.js', 'compare', sim, join(tmp, 'nope'), '--out', join(tmp, 'cli2')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/MEASURED_DIR folder .*nope does not exist/);
  });
});
