/**
 * Report demo and timing on the bundled fixtures (not a test): builds run folders from the
 * fixtures' ground truth (tracks.csv = truth + seeded 0.3 µm Gaussian noise, velocities and
 * 95 % intervals by OLS), decodes the fig2 video to draw key-frame panels and kymographs with
 * the report helpers, then runs buildReport and prints the figure paths and times.
 *
 *   node --import tsx test/bench/report.ts [OUT_ROOT=runs/report-demo]
 *
 * This shows the report stage on real decoded frames; it is not a tracker run (that is
 * `lidtrack track` → its own run folder, and `lidtrack report` on it).
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jTipAPerCm2FromVelocityUmPerS } from '../../src/core/units.js';
import { openSource } from '../../src/ingest/index.js';
import { fitLine } from '../../src/measure/regression.js';
import { buildReport } from '../../src/report/buildReport.js';
import { KymographBuilder } from '../../src/report/KymographBuilder.js';
import { parseInclusionsCsv, parseTracksCsv } from '../../src/report/readRunFolder.js';
import { renderKeyFramePanel } from '../../src/report/renderKeyFramePanel.js';
import type { TrackPoint } from '../../src/report/runFolderTypes.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OUT = resolve(process.argv[2] ?? join(ROOT, 'runs', 'report-demo'));

/** Seeded normal deviates (mulberry32 + Box–Muller). */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const u = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
}

function summaryOf(points: TrackPoint[]): unknown[] {
  const ids = [...new Set(points.map((p) => p.trackId))].sort((a, b) => a - b);
  return ids.map((id) => {
    const pts = points.filter((p) => p.trackId === id);
    const f = fitLine(pts.map((p) => p.tS), pts.map((p) => p.lengthUm));
    const rates = [];
    for (let c = 8; c + 8 < pts.length; c += 8) {
      const w = fitLine(pts.slice(c - 8, c + 9).map((p) => p.tS), pts.slice(c - 8, c + 9).map((p) => p.lengthUm));
      rates.push({ t_s: pts[c].tS, velocity_um_per_s: w.slope, ci95: w.slopeCi95, j_tip_A_per_cm2: jTipAPerCm2FromVelocityUmPerS(w.slope) });
    }
    return {
      id,
      velocity_um_per_s: f.slope,
      velocity_ci95_um_per_s: f.slopeCi95,
      j_tip_A_per_cm2: jTipAPerCm2FromVelocityUmPerS(f.slope),
      j_tip_ci95_A_per_cm2: f.slopeCi95.map(jTipAPerCm2FromVelocityUmPerS),
      t_start_s: pts[0].tS,
      t_end_s: pts[pts.length - 1].tS,
      n_points: pts.length,
      intercept_um: f.intercept,
      rates,
    };
  });
}

async function fig2(): Promise<string> {
  const src = join(ROOT, 'fixtures', 'fig2');
  const dir = join(OUT, 'fig2');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const truth = JSON.parse(readFileSync(join(src, 'truth.json'), 'utf8'));
  const umPerPx: number = truth.calibration.um_per_px;
  const noise = gaussian(42);
  const pts = parseTracksCsv(readFileSync(join(src, 'truth_tracks.csv'), 'utf8')).map((p) => ({ ...p, lengthUm: p.lengthUm + 0.3 * noise() }));
  const header = 'track_id,frame,t_s,tip_x_px,tip_y_px,tip_x_um,tip_y_um,length_um';
  writeFileSync(join(dir, 'tracks.csv'), [header, ...pts.map((p) => [p.trackId, p.frame, p.tS, p.tipXPx, p.tipYPx, p.tipXUm, p.tipYUm, p.lengthUm].join(','))].join('\n') + '\n');
  const video = join(src, 'video.mp4');
  writeFileSync(
    join(dir, 'summary.json'),
    JSON.stringify({
      tracks: summaryOf(pts),
      inclusions: [],
      video: { path: video, width: 320, height: 240, nominalFps: truth.video.nominal_fps, frameCount: truth.video.n_frames },
      calibration: { umPerPx, platingEdge: truth.calibration.plating_edge },
      lidtrack_version: '0.1.0',
    }, null, 2),
  );
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ schema_version: 1, note: 'report demo: truth + 0.3 µm noise, not a tracker run', input: { path: video } }, null, 2));
  // Key frames and kymographs from the decoded video.
  mkdirSync(join(dir, 'keyframes'));
  mkdirSync(join(dir, 'kymographs'));
  const base = truth.dendrites[0].base as { x_px: number; y_px: number };
  const kymos = new Map<number, { kb: KymographBuilder; ux: number; uy: number }>();
  for (const id of [1, 2]) {
    const last = pts.filter((p) => p.trackId === id).pop() as TrackPoint;
    const L = Math.hypot(last.tipXPx - base.x_px, last.tipYPx - base.y_px);
    const ux = (last.tipXPx - base.x_px) / L;
    const uy = (last.tipYPx - base.y_px) / L;
    const end: [number, number] = [base.x_px + ux * (L + 15), base.y_px + uy * (L + 15)];
    kymos.set(id, { kb: new KymographBuilder([[base.x_px, base.y_px], end], 3), ux, uy });
  }
  const keyFrames = new Set([8, 40, 79]);
  const source = await openSource(video);
  const t0 = Date.now();
  let n = 0;
  for await (const fr of source.frames()) {
    n++;
    for (const k of kymos.values()) k.kb.add(fr);
    if (keyFrames.has(fr.index)) {
      const tips = pts.filter((p) => p.frame === fr.index).map((p) => ({ id: p.trackId, x: p.tipXPx, y: p.tipYPx }));
      const contours = tips.map((t) => {
        const nx = -(t.y - base.y_px);
        const ny = t.x - base.x_px;
        const nn = Math.hypot(nx, ny) || 1;
        const w = 1.5;
        return [[base.x_px + (w * nx) / nn, base.y_px + (w * ny) / nn], [t.x + (w * nx) / nn, t.y + (w * ny) / nn], [t.x - (w * nx) / nn, t.y - (w * ny) / nn], [base.x_px - (w * nx) / nn, base.y_px - (w * ny) / nn]] as Array<[number, number]>;
      });
      const png = await renderKeyFramePanel(fr, { tips, contours, roi: { x: 60, y: 0, width: 220, height: 240 } }, { umPerPx, tS: fr.tS, scale: 2 });
      writeFileSync(join(dir, 'keyframes', `keyframe_${String(fr.index).padStart(4, '0')}.png`), png);
    }
  }
  for (const [id, k] of kymos) {
    const overlay = pts.filter((p) => p.trackId === id).map((p) => ({ tS: p.tS, posPx: (p.tipXPx - base.x_px) * k.ux + (p.tipYPx - base.y_px) * k.uy }));
    writeFileSync(join(dir, 'kymographs', `dendrite_${id}.png`), await k.kb.toPng({ umPerPx, overlay, title: `Dendrite ${id} (truth tips)` }));
  }
  console.log(`fig2: decoded ${n} frames, key frames + kymographs in ${Date.now() - t0} ms`);
  return dir;
}

function ili(): string {
  const src = join(ROOT, 'fixtures', 'ili');
  const dir = join(OUT, 'ili');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const truth = JSON.parse(readFileSync(join(src, 'truth.json'), 'utf8'));
  const noise = gaussian(7);
  const inc = parseInclusionsCsv(readFileSync(join(src, 'truth_inclusions.csv'), 'utf8'));
  const header = 'inclusion_id,frame,t_s,front_x_um,front_y_um,back_x_um,back_y_um,centroid_x_um,centroid_y_um,area_um2';
  writeFileSync(
    join(dir, 'inclusions.csv'),
    [header, ...inc.map((p) => [p.inclusionId, p.frame, p.tS, p.frontXUm + 0.2 * noise(), p.frontYUm, p.backXUm + 0.2 * noise(), p.backYUm, p.centroidXUm, p.centroidYUm, p.areaUm2].join(','))].join('\n') + '\n',
  );
  copyFileSync(join(src, 'current.csv'), join(dir, 'current.csv'));
  writeFileSync(join(dir, 'tracks.csv'), 'track_id,frame,t_s,tip_x_px,tip_y_px,tip_x_um,tip_y_um,length_um\n');
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ tracks: [], inclusions: [], calibration: { umPerPx: truth.calibration.um_per_px, platingEdge: truth.calibration.plating_edge } }));
  return dir;
}

const dirs = [await fig2(), ili()];
for (const d of dirs) {
  const t = Date.now();
  const { files } = await buildReport(d);
  console.log(`${d}: buildReport ${Date.now() - t} ms, ${files.length} files`);
  for (const f of files.filter((x) => x.endsWith('.png') || x.endsWith('.html'))) console.log(`  ${f}`);
}
