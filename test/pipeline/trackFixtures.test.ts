/**
 * The `track` path on the committed fixtures (rendered by `lidtrack simulate`, ground truth
 * beside them). Tolerances are the acceptance criteria of issue 2 unless stated otherwise.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jTipAPerCm2FromVelocityUmPerS } from '../../src/core/units.js';
import { fitLine } from '../../src/measure/regression.js';
import { runTrack, type TrackResult } from '../../src/pipeline/runTrack.js';
import { trackConfigSchema, type TrackConfigInput } from '../../src/pipeline/trackConfig.js';
import { matchTracks, readTipsCsv, truthVelocities } from '../helpers/truth.js';

const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-fixtures-'));

async function run(name: string, cfg: Partial<TrackConfigInput>): Promise<{ r: TrackResult; out: string }> {
  const out = join(tmp, name);
  const r = await runTrack(trackConfigSchema.parse({ out, report: false, force: true, ...cfg }));
  return { r, out };
}

function velocityOf(r: TrackResult, id: number): number {
  return r.tracks.find((t) => t.id === id)!.kinematics.velocityUmPerS;
}

describe('track on the Fig. 2 fixture (two dendrites joined at the base, 8.6 and 4.5 µm/s)', async () => {
  const { r, out } = await run('fig2', { input: 'fixtures/fig2/video.mp4', um_per_px: 0.5, plating_edge: 'bottom' });
  const truth = readTipsCsv('fixtures/fig2/truth_tracks.csv');
  const { matches, spurious } = matchTracks(readTipsCsv(join(out, 'tracks.csv')), truth);
  const vTruth = truthVelocities('fixtures/fig2/truth_tracks.csv');

  it('finds both dendrites and no spurious track', () => {
    expect(spurious).toEqual([]);
    expect(new Set(matches.map((m) => m.truth))).toEqual(new Set([1, 2]));
    expect(r.tracks.length).toBe(2);
  });
  it('tip RMSE ≤ 1 px per dendrite', () => {
    for (const m of matches) expect(m.rmsePx).toBeLessThanOrEqual(1);
  });
  it('two dendrites joined at the base are not branches of each other: branches.csv has no rows', () => {
    expect(readFileSync(join(out, 'branches.csv'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(r.branches).toEqual([]);
  });
  it('velocity and j_tip within 2 % (6.31 and 3.30 A/cm²)', () => {
    for (const m of matches) {
      const v = velocityOf(r, m.mine);
      const vt = vTruth.get(m.truth)!;
      expect(Math.abs(v / vt - 1)).toBeLessThan(0.02);
      const j = r.tracks.find((t) => t.id === m.mine)!.kinematics.jTipAPerCm2;
      expect(Math.abs(j / jTipAPerCm2FromVelocityUmPerS(vt) - 1)).toBeLessThan(0.02);
    }
  });
  it('writes the contract columns and summary fields', () => {
    const head = readFileSync(join(out, 'tracks.csv'), 'utf8').split('\n')[0];
    expect(head.startsWith('track_id,frame,t_s,tip_x_px,tip_y_px,tip_x_um,tip_y_um,length_um')).toBe(true);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    for (const k of ['id', 'velocity_um_per_s', 'velocity_ci95_um_per_s', 'j_tip_A_per_cm2', 'j_tip_ci95_A_per_cm2', 't_start_s', 't_end_s', 'n_points']) expect(s.tracks[0]).toHaveProperty(k);
    expect(s).toHaveProperty('video');
    expect(s).toHaveProperty('calibration');
    expect(s).toHaveProperty('lidtrack_version');
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.status).toBe('complete');
    expect(m.input.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('variable frame rate: true timestamps, not index/fps', async () => {
  const { r, out } = await run('vfr', { input: 'fixtures/vfr/video.mp4', um_per_px: 0.5, plating_edge: 'bottom' });
  const vt = truthVelocities('fixtures/vfr/truth_tracks.csv').get(1)!;
  it('velocity within 2 % of the truth from true timestamps', () => {
    expect(r.tracks.length).toBe(1);
    expect(Math.abs(velocityOf(r, 1) / vt - 1)).toBeLessThan(0.02);
  });
  it('the same tips with time = index/fps would miss by more than 5 % (the fixture discriminates)', () => {
    const rows = readTipsCsv(join(out, 'tracks.csv')).filter((p) => p.lengthUm >= 8);
    const info = JSON.parse(readFileSync('fixtures/vfr/truth.json', 'utf8')).video;
    const fit = fitLine(rows.map((p) => p.frame / info.nominal_fps), rows.map((p) => p.lengthUm));
    expect(Math.abs(fit.slope / vt - 1)).toBeGreaterThan(0.05);
  });
});

describe('16-bit TIFF stack with a timestamps CSV, and an MJPEG AVI', async () => {
  const tiff = await run('tiff16', { input: 'fixtures/tiff16/video.tif', timestamps: 'fixtures/tiff16/timestamps.csv', um_per_px: 0.5, plating_edge: 'left' });
  const mj = await run('mjpeg', { input: 'fixtures/mjpeg/video.avi', um_per_px: 0.4, plating_edge: 'top' });
  for (const [name, res] of [['tiff16', tiff], ['mjpeg', mj]] as const) {
    it(`${name}: every dendrite found, no spurious track, tip RMSE ≤ 1 px`, () => {
      const truth = readTipsCsv(`fixtures/${name}/truth_tracks.csv`);
      const { matches, spurious } = matchTracks(readTipsCsv(join(res.out, 'tracks.csv')), truth);
      expect(spurious).toEqual([]);
      expect(new Set(matches.map((m) => m.truth)).size).toBe(new Set(truth.map((t) => t.trackId)).size);
      for (const m of matches) expect(m.rmsePx).toBeLessThanOrEqual(1);
    });
    it(`${name}: every dendrite's velocity and j_tip within 2 %`, () => {
      const truth = readTipsCsv(`fixtures/${name}/truth_tracks.csv`);
      const { matches } = matchTracks(readTipsCsv(join(res.out, 'tracks.csv')), truth);
      const vt = truthVelocities(`fixtures/${name}/truth_tracks.csv`);
      expect(matches.length).toBe(vt.size);
      for (const m of matches) {
        expect(Math.abs(velocityOf(res.r, m.mine) / vt.get(m.truth)! - 1)).toBeLessThan(0.02);
        const j = res.r.tracks.find((t) => t.id === m.mine)!.kinematics.jTipAPerCm2;
        expect(Math.abs(j / jTipAPerCm2FromVelocityUmPerS(vt.get(m.truth)!) - 1)).toBeLessThan(0.02);
      }
    });
  }
});

describe('branching dendrites on the right edge (MKV), with a speed change', async () => {
  const { r, out } = await run('branch', { input: 'fixtures/branch/video.mkv', um_per_px: 0.5, plating_edge: 'right' });
  const truth = readTipsCsv('fixtures/branch/truth_tracks.csv');
  const { matches, spurious } = matchTracks(readTipsCsv(join(out, 'tracks.csv')), truth);
  it('one track per dendrite (branches do not become dendrites), tip RMSE ≤ 1 px, found in ≥ 95 % of frames', () => {
    expect(spurious).toEqual([]);
    expect(matches.map((m) => m.truth).sort()).toEqual([1, 2]);
    for (const m of matches) {
      expect(m.rmsePx).toBeLessThanOrEqual(1);
      expect(m.n / m.nTruth).toBeGreaterThanOrEqual(0.95);
    }
  });
  it('branch tips in branches.csv: the 35° branch of dendrite 1 (3 µm/s) within RMSE 1 px of the truth, its growth rate within 10 %, no other branch', () => {
    // truth: truth.json frames[].dendrites[].branches[] (tip in image coordinates)
    const tj = JSON.parse(readFileSync('fixtures/branch/truth.json', 'utf8')) as {
      frames: Array<{ frame: number; dendrites: Array<{ id: number; branches: Array<{ index: number; present: boolean; tip_x_px: number; tip_y_px: number }> }> }>;
    };
    const lines = readFileSync(join(out, 'branches.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('branch_id,dendrite_id,frame,t_s,tip_x_px,tip_y_px,tip_x_um,tip_y_um,branch_length_um,junction_x_px,junction_y_px,tip_sigma_px,refined');
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    const d1 = matches.find((x) => x.truth === 1)!.mine;
    // branch 1 (at 20 µm, 35°) protrudes ≥ 4 px beyond the trunk from about frame 58 on (measured: 58–79)
    const b1 = rows.filter((q) => q[0] === 1);
    expect(b1.length).toBeGreaterThanOrEqual(15);
    expect(b1.every((q) => q[1] === d1)).toBe(true);
    let s2 = 0;
    for (const q of b1) {
      const t = tj.frames[q[2]].dendrites.find((d) => d.id === 1)!.branches.find((b) => b.index === 1)!;
      expect(t.present).toBe(true);
      s2 += (q[4] - t.tip_x_px) ** 2 + (q[5] - t.tip_y_px) ** 2;
    }
    expect(Math.sqrt(s2 / b1.length)).toBeLessThanOrEqual(1); // measured 0.72 px
    const sb = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).branches;
    expect(sb[0].dendrite_id).toBe(d1);
    expect(Math.abs(sb[0].velocity_um_per_s / 3 - 1)).toBeLessThan(0.1); // measured 2.86 µm/s
    // the second branch (34 µm, −30°) only in the last frames; nothing else
    expect(new Set(rows.map((q) => q[0])).size).toBeLessThanOrEqual(2);
    for (const q of rows.filter((x) => x[0] === 2)) expect(q[2]).toBeGreaterThanOrEqual(70);
  });
  it('leading tip velocity of the branching dendrite within 2 % (7 µm/s)', () => {
    const m = matches.find((x) => x.truth === 1)!;
    expect(Math.abs(velocityOf(r, m.mine) / 7 - 1)).toBeLessThan(0.02);
  });
  it('windowed velocity follows the change from 5 to 2 µm/s at t = 4 s (within 5 % away from the change)', () => {
    const m = matches.find((x) => x.truth === 2)!;
    const rates = r.tracks.find((t) => t.id === m.mine)!.kinematics.rates;
    const before = rates.filter((q) => q.tS > 2.2 && q.tS < 3.2);
    const after = rates.filter((q) => q.tS > 4.8);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    for (const q of before) expect(Math.abs(q.velocityUmPerS / 5 - 1)).toBeLessThan(0.05);
    for (const q of after) expect(Math.abs(q.velocityUmPerS / 2 - 1)).toBeLessThan(0.05);
  });
});

describe('initiation time and leaf width (MJPEG fixture: dendrite 2 starts at 1.2 s with 1.5 µm, 3 µm/s)', async () => {
  const { r, out } = await run('mjpeg-init', { input: 'fixtures/mjpeg/video.avi', um_per_px: 0.4, plating_edge: 'top' });
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  it('initiation_t_s (tip 5 µm from its base) within one frame interval of the truth', () => {
    // truth: dendrite 1: 2 µm at 0 s, 7 µm/s → 5 µm at 0.429 s; dendrite 2: 1.5 µm at 1.2 s, 3 µm/s → 5 µm at 2.367 s
    const byStart = [...s.tracks].sort((a: { initiation_t_s: number }, b: { initiation_t_s: number }) => a.initiation_t_s - b.initiation_t_s);
    expect(byStart.length).toBe(2);
    expect(Math.abs(byStart[0].initiation_t_s - 0.429)).toBeLessThan(0.08 + 0.02);
    expect(Math.abs(byStart[1].initiation_t_s - 2.367)).toBeLessThan(0.08 + 0.02);
    expect(r.tracks.length).toBe(2);
  });
  it('mean leaf width is positive and below the rendered maximum width (6 µm) plus blur', () => {
    const rows = readFileSync(join(out, 'tracks.csv'), 'utf8').trim().split('\n');
    const head = rows[0].split(',');
    const w = rows.slice(1).map((l) => Number(l.split(',')[head.indexOf('mean_width_um')]));
    expect(w.every((x) => x > 0 && x < 8)).toBe(true);
  });
});
