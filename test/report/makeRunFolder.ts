/**
 * A small hand-made run folder with known tracks (synthetic, deterministic), written the way
 * SPEC.md says `lidtrack track` writes it. Velocities and their intervals are computed here by
 * ordinary least squares so the tests know the ground truth of every figure and table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jTipAPerCm2FromVelocityUmPerS } from '../../src/core/units.js';
import { KymographBuilder } from '../../src/report/KymographBuilder.js';
import { renderKeyFramePanel } from '../../src/report/renderKeyFramePanel.js';

export const UM_PER_PX = 0.8;
/** Student t 0.975 quantiles for the degrees of freedom used below. */
const T975: Record<number, number> = { 5: 2.570582, 14: 2.144787, 19: 2.093024 };

export interface TruthTrack {
  id: number;
  frames: number[];
  tS: number[];
  lengthUm: number[];
  yPx: number;
}

/** OLS slope, intercept, slope standard error. */
export function ols(t: number[], y: number[]): { slope: number; intercept: number; seSlope: number } {
  const n = t.length;
  const tb = t.reduce((a, b) => a + b, 0) / n;
  const yb = y.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (t[i] - tb) ** 2;
    sxy += (t[i] - tb) * (y[i] - yb);
  }
  const slope = sxy / sxx;
  const intercept = yb - slope * tb;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (y[i] - intercept - slope * t[i]) ** 2;
  return { slope, intercept, seSlope: Math.sqrt(ss / (n - 2) / sxx) };
}

/** Frame time [s]: 0.5 s interval with a 0.1 s hiccup after frame 12 (true timestamps are not index/fps). */
export const frameTimeS = (f: number): number => 0.5 * f + (f > 12 ? 0.1 : 0);

export function truthTracks(): TruthTrack[] {
  const a: TruthTrack = { id: 1, frames: [], tS: [], lengthUm: [], yPx: 40 };
  for (let f = 0; f <= 20; f++) {
    a.frames.push(f);
    a.tS.push(frameTimeS(f));
    a.lengthUm.push(5 + 8.6 * frameTimeS(f) + 0.4 * Math.sin(1.7 * f));
  }
  const b: TruthTrack = { id: 2, frames: [], tS: [], lengthUm: [], yPx: 90 };
  for (let f = 5; f <= 20; f++) {
    b.frames.push(f);
    b.tS.push(frameTimeS(f));
    b.lengthUm.push(2 + 4.5 * (frameTimeS(f) - frameTimeS(5)) + 0.3 * Math.cos(2.3 * f));
  }
  return [a, b];
}

/** Plating interface x [px] (left edge electrode). */
export const INTERFACE_X_PX = 8;

/** A 160×120 gray frame (non-square) with both dendrites drawn as bright bars up to their tips. */
export function syntheticFrame(frame: number): { width: number; height: number; data: Uint8Array; tS: number } {
  const width = 160;
  const height = 120;
  const data = new Uint8Array(width * height).fill(60);
  for (let y = 0; y < height; y++) for (let x = 0; x < INTERFACE_X_PX; x++) data[y * width + x] = 200;
  for (const tr of truthTracks()) {
    const i = tr.frames.indexOf(frame);
    if (i < 0) continue;
    const tipX = INTERFACE_X_PX + tr.lengthUm[i] / UM_PER_PX;
    for (let y = tr.yPx - 2; y <= tr.yPx + 2; y++) for (let x = INTERFACE_X_PX; x <= Math.min(width - 1, Math.round(tipX)); x++) data[y * width + x] = 220;
  }
  return { width, height, data, tS: frameTimeS(frame) };
}

function csv(header: string, rows: Array<Array<number | string>>): string {
  return [header, ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

/** Write the run folder; `images` adds keyframes/ and kymographs/ made with the report helpers. */
export async function makeRunFolder(dir: string, opts: { images?: boolean; optional?: boolean } = {}): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tracks = truthTracks();
  const rows: Array<Array<number | string>> = [];
  for (const tr of tracks) {
    tr.frames.forEach((f, i) => {
      const xPx = INTERFACE_X_PX + tr.lengthUm[i] / UM_PER_PX;
      rows.push([tr.id, f, tr.tS[i], xPx, tr.yPx, xPx * UM_PER_PX, tr.yPx * UM_PER_PX, tr.lengthUm[i], 0.15]);
    });
  }
  writeFileSync(join(dir, 'tracks.csv'), csv('track_id,frame,t_s,tip_x_px,tip_y_px,tip_x_um,tip_y_um,length_um,tip_sigma_px', rows));
  const summaryTracks = tracks.map((tr) => {
    const { slope, intercept, seSlope } = ols(tr.tS, tr.lengthUm);
    const h = T975[tr.tS.length - 2] * seSlope;
    const rates = [];
    for (let c = 3; c + 3 < tr.tS.length; c += 3) {
      const w = ols(tr.tS.slice(c - 3, c + 4), tr.lengthUm.slice(c - 3, c + 4));
      const hw = T975[5] * w.seSlope;
      rates.push({ t_s: tr.tS[c], velocity_um_per_s: w.slope, ci95: [w.slope - hw, w.slope + hw], j_tip_A_per_cm2: jTipAPerCm2FromVelocityUmPerS(w.slope) });
    }
    return {
      id: tr.id,
      velocity_um_per_s: slope,
      velocity_ci95_um_per_s: [slope - h, slope + h],
      j_tip_A_per_cm2: jTipAPerCm2FromVelocityUmPerS(slope),
      j_tip_ci95_A_per_cm2: [jTipAPerCm2FromVelocityUmPerS(slope - h), jTipAPerCm2FromVelocityUmPerS(slope + h)],
      t_start_s: tr.tS[0],
      t_end_s: tr.tS[tr.tS.length - 1],
      n_points: tr.tS.length,
      intercept_um: intercept,
      rates,
    };
  });
  const summary = {
    tracks: summaryTracks,
    inclusions: [
      { id: 1, phases: [
        { t_start_s: 0, t_end_s: 5, current_sign: 1, front_velocity_um_per_s: 0.3, back_velocity_um_per_s: 0.3, area_change_rel: 0.05 },
        { t_start_s: 5, t_end_s: 10.1, current_sign: -1, front_velocity_um_per_s: -0.2, back_velocity_um_per_s: -0.2, area_change_rel: -0.02 },
      ] },
    ],
    video: { path: '/data/demo/cell_A.mp4', format: 'mov,mp4', codec: 'h264', width: 160, height: 120, nominalFps: 2, frameCount: 21, durationS: 10.5 },
    calibration: { umPerPx: UM_PER_PX, platingEdge: 'left' },
    lidtrack_version: '0.1.0',
  };
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, 2));
  if (opts.optional ?? true) {
    const inc: Array<Array<number>> = [];
    for (let f = 0; f <= 20; f++) {
      const t = frameTimeS(f);
      const cx = t < 5 ? 60 + 0.3 * t : 61.5 - 0.2 * (t - 5);
      inc.push([1, f, t, cx + 4, 30, cx - 4, 30, cx, 30, 50 - 0.2 * f]);
    }
    writeFileSync(join(dir, 'inclusions.csv'), csv('inclusion_id,frame,t_s,front_x_um,front_y_um,back_x_um,back_y_um,centroid_x_um,centroid_y_um,area_um2', inc));
    const cur: Array<Array<number>> = [];
    for (let i = -4; i <= 24; i++) cur.push([i * 0.5, i * 0.5 < 5 ? 0.5 : -0.5, 0.01 * i]);
    writeFileSync(join(dir, 'current.csv'), csv('t_s,current_mA,voltage_V', cur));
    writeFileSync(join(dir, 'drift.csv'), csv('t_s,dx_px,dy_px', Array.from({ length: 21 }, (_, f) => [frameTimeS(f), 0.05 * f, -0.02 * f])));
    writeFileSync(
      join(dir, 'fit.json'),
      JSON.stringify({
        schema_version: 1, model: 'reduced', converged: true, chi2_red: 1.07,
        parameters: {
          h_ext_um: { value: 0.8, ci95: [0.62, 1.01], ci_method: 'profile', unit: 'um', fixed: false },
          eta_th_mV: { value: 4.2, ci95: [3.1, 5.6], ci_method: 'profile', unit: 'mV', fixed: false },
          j0_mA_per_cm2: { value: 5, ci95: null, unit: 'mA/cm2', fixed: true },
        },
        correlations: { h_ext_um: { eta_th_mV: -0.41 } },
        not_identifiable: [{ name: 'thickness_ratio', reason: 'profile flat over the bounds' }],
      }),
    );
    // fit-residuals.csv as `lidtrack fit` writes it: data vs model along the field axis.
    const res: Array<Array<number | string>> = [];
    for (let f = 0; f <= 20; f++) {
      const t = frameTimeS(f);
      for (const [obs, off] of [['front', 4], ['back', -4]] as const) {
        const model = (t < 5 ? 0.3 * t : 1.5 - 0.2 * (t - 5)) + off;
        const data = model + 0.05 * Math.sin(3.1 * f + off);
        res.push([t, obs, data, model, data - model, (data - model) / 0.05]);
      }
    }
    writeFileSync(join(dir, 'fit-residuals.csv'), csv('t_s,observable,data_um,model_um,residual_um,normalised', res));
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        schema_version: 1,
        input: { path: '/data/demo/cell_A.mp4', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
        config: { um_per_px: UM_PER_PX, plating_edge: 'left', roi: [0, 0, 160, 120] },
        versions: { lidtrack: '0.1.0', node: 'v20', ffmpeg: '6.0' },
        started_at: '2026-01-01T10:00:00Z',
        finished_at: '2026-01-01T10:00:09Z',
      }),
    );
  }
  if (opts.images) {
    mkdirSync(join(dir, 'keyframes'), { recursive: true });
    for (const f of [5, 20]) {
      const fr = syntheticFrame(f);
      const tips = truthTracks()
        .filter((tr) => tr.frames.includes(f))
        .map((tr) => ({ id: tr.id, x: INTERFACE_X_PX + tr.lengthUm[tr.frames.indexOf(f)] / UM_PER_PX, y: tr.yPx }));
      const contours = tips.map((t) => [[INTERFACE_X_PX, t.y - 3], [t.x, t.y - 3], [t.x + 1, t.y], [t.x, t.y + 3], [INTERFACE_X_PX, t.y + 3]] as Array<[number, number]>);
      const png = await renderKeyFramePanel(fr, { tips, contours, roi: { x: 0, y: 10, width: 160, height: 100 } }, { umPerPx: UM_PER_PX, tS: fr.tS, scale: 3 });
      writeFileSync(join(dir, 'keyframes', `keyframe_${String(f).padStart(4, '0')}.png`), png);
    }
    mkdirSync(join(dir, 'kymographs'), { recursive: true });
    const k = new KymographBuilder([[INTERFACE_X_PX, 40], [150, 40]], 3);
    for (let f = 0; f <= 20; f++) k.add(syntheticFrame(f));
    const a = truthTracks()[0];
    const png = await k.toPng({ umPerPx: UM_PER_PX, overlay: a.tS.map((t, i) => ({ tS: t, posPx: a.lengthUm[i] / UM_PER_PX })), title: 'Dendrite 1' });
    writeFileSync(join(dir, 'kymographs', 'dendrite_1.png'), png);
  }
}
