/**
 * `lidtrack simulate` as a library call: scenario → rendered recording + exact ground truth.
 *
 *   1. build the scene (geometry, clock, camera motion) from the validated scenario;
 *   2. stream frames one at a time into the sink (ffmpeg pipe, TIFF stack or PNG sequence);
 *   3. write the truth next to it: truth.json, truth_tracks.csv / truth_inclusions.csv (the
 *      column layout of tracks.csv / inclusions.csv), timestamps.csv for TIFF/PNG, and
 *      current.csv when the scenario has a current log.
 * Same scenario → same frames and the same truth (all randomness is seeded).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { LIDTRACK_VERSION } from '../core/version.js';
import { writeCsvAtomic, writeJsonAtomic } from '../report/atomic.js';
import { buildScene, type Scene } from './buildScene.js';
import { openFrameSink, videoFileName } from './frameSink.js';
import { frameTruth, interfaceTruth, type FrameTruth } from './groundTruth.js';
import { renderFrame } from './renderFrame.js';
import type { Scenario } from './scenarioSchema.js';
import { makeDirs } from '../core/makeDirs.js';

export interface RenderOptions {
  /** Overwrite the outputs of an earlier render in outDir. */
  force?: boolean;
  /** Called after each frame. */
  onProgress?: (framesDone: number, framesTotal: number) => void;
  /** Cancels the render; partial outputs are removed. */
  signal?: AbortSignal;
}

export interface RenderResult {
  outDir: string;
  /** Files written, relative to outDir. */
  files: string[];
  nFrames: number;
  /** Wall time of the render [s]. */
  elapsedS: number;
}

/** Names of the truth files `renderScenario` writes. */
export const TRUTH_FILES = ['truth.json', 'truth_tracks.csv', 'truth_inclusions.csv'] as const;

/**
 * Render a validated scenario into `outDir`.
 * @throws InputError if outDir already holds a render and `force` is not set
 */
export async function renderScenario(sc: Scenario, outDir: string, opts: RenderOptions = {}): Promise<RenderResult> {
  const t0 = performance.now();
  if (existsSync(join(outDir, 'truth.json')) && !opts.force)
    throw new InputError(`output folder ${outDir} already holds a simulation (truth.json)`, 'pass --force to overwrite it, or choose another --out');
  makeDirs(outDir);

  // 1. scene
  const scene = buildScene(sc);
  const n = scene.clock.timesS.length;
  const bitDepth = sc.output.format === 'tiff' || sc.output.format === 'png' ? sc.output.bit_depth : 8;

  // 2. frames → sink
  const sink = openFrameSink({ outDir, scenario: sc, timesS: scene.clock.timesS, irregular: scene.clock.irregular });
  const frames: FrameTruth[] = [];
  try {
    for (let i = 0; i < n; i++) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('render cancelled');
      await sink.write(renderFrame(scene, i, bitDepth));
      frames.push(frameTruth(scene, i));
      opts.onProgress?.(i + 1, n);
    }
    await sink.close();
  } catch (e) {
    await sink.abort();
    throw e;
  }

  // 3. truth
  const files = [...sink.files];
  if (sc.output.format === 'tiff' || sc.output.format === 'png') {
    writeCsvAtomic(join(outDir, 'timestamps.csv'), ['frame', 't_s'], frames.map((f) => [f.frame, fmtT(f.t_s)]));
    files.push('timestamps.csv');
  }
  if (sc.current) {
    writeCsvAtomic(join(outDir, 'current.csv'), ['t_s', 'current_mA'], currentRows(sc, scene));
    files.push('current.csv');
  }
  const trackRows: Array<Array<string | number>> = [];
  for (const f of frames)
    for (const d of f.dendrites)
      if (d.present && d.tip_in_frame)
        trackRows.push([d.id, f.frame, fmtT(f.t_s), fx(d.tip_x_px), fx(d.tip_y_px), fx(d.tip_x_um), fx(d.tip_y_um), fx(d.length_um), fx(d.velocity_um_per_s), fx(d.j_tip_A_per_cm2), fx(d.height_um)]);
  writeCsvAtomic(
    join(outDir, 'truth_tracks.csv'),
    ['track_id', 'frame', 't_s', 'tip_x_px', 'tip_y_px', 'tip_x_um', 'tip_y_um', 'length_um', 'velocity_um_per_s', 'j_tip_A_per_cm2', 'height_um'],
    trackRows,
  );
  const incRows: Array<Array<string | number>> = [];
  for (const f of frames)
    for (const c of f.inclusions)
      incRows.push([c.id, f.frame, fmtT(f.t_s), fx(c.front_x_um), fx(c.front_y_um), fx(c.back_x_um), fx(c.back_y_um), fx(c.centroid_x_um), fx(c.centroid_y_um), fx(c.area_um2)]);
  writeCsvAtomic(
    join(outDir, 'truth_inclusions.csv'),
    ['inclusion_id', 'frame', 't_s', 'front_x_um', 'front_y_um', 'back_x_um', 'back_y_um', 'centroid_x_um', 'centroid_y_um', 'area_um2'],
    incRows,
  );
  writeJsonAtomic(join(outDir, 'truth.json'), truthDocument(sc, scene, frames));
  files.push(...TRUTH_FILES);
  return { outDir, files, nFrames: n, elapsedS: (performance.now() - t0) / 1000 };
}

const fmtT = (t: number): string => String(Number(t.toFixed(9)));
const fx = (x: number | null): string => (x === null ? '' : String(Number(x.toFixed(6))));

function currentRows(sc: Scenario, scene: Scene): Array<Array<string | number>> {
  const cur = sc.current!;
  const ts = scene.clock.timesS;
  const rows: Array<Array<string | number>> = [];
  const at = (t: number): number => {
    let v = 0;
    for (const s of cur.segments) if (s.from_s <= t) v = s.current_mA;
    return v;
  };
  const nSamples = Math.floor((ts[ts.length - 1] - ts[0]) / cur.sample_period_s + 1e-9) + 1;
  for (let k = 0; k <= nSamples; k++) {
    const t = ts[0] + k * cur.sample_period_s;
    rows.push([fmtT(t), at(t)]);
  }
  return rows;
}

/** The truth.json document. */
function truthDocument(sc: Scenario, scene: Scene, frames: FrameTruth[]) {
  const fmt = sc.output.format;
  const um = sc.calibration.um_per_px;
  const baseImg = (u: number, v: number) => {
    const [x, y] = scene.frame.toImage(u, v);
    return { x_px: x, y_px: y, x_um: x * um, y_um: y * um };
  };
  const growth = (g: { speed_um_per_s?: number; speed_segments?: Array<{ from_s: number; speed_um_per_s: number }> }) =>
    g.speed_segments ?? [{ from_s: null, speed_um_per_s: g.speed_um_per_s }];
  return {
    schema_version: 1,
    generator: { name: 'lidtrack simulate', lidtrack_version: LIDTRACK_VERSION },
    conventions: {
      pixel_coordinates: '(0,0) is the centre of the top-left pixel, x right, y down; um = px * um_per_px',
      positions: 'where the feature appears in that frame, stage drift included; registered to frame 0: position - (drift_t - drift_0)',
      tip: "apex of the Li-filled crack: its point farthest along its own growth direction (axis); deepest_x/y_px = point farthest from the plating edge (same for an untilted crack, within 0.05 px in depth otherwise)",
      length_um: 'distance from the base (where the crack axis meets the electrode interface) to the tip; grows at velocity_um_per_s',
      height_um: 'distance of the tip from the mean interface line along the edge normal',
      j_tip_A_per_cm2: 'z F / V_m * velocity_um_per_s (src/core/units.ts)',
      inclusion_ends: 'axis points of the Li-filled segment; front = end farther from the plating edge',
    },
    calibration: { um_per_px: um, plating_edge: sc.calibration.plating_edge },
    frame: { width_px: sc.frame.width_px, height_px: sc.frame.height_px },
    video: {
      file: videoFileName(sc),
      format: fmt,
      codec: fmt === 'mp4' || fmt === 'mkv' ? 'h264' : fmt === 'avi' ? 'mjpeg' : fmt === 'tiff' ? 'tiff-deflate' : 'png',
      bit_depth: fmt === 'tiff' || fmt === 'png' ? sc.output.bit_depth : 8,
      n_frames: frames.length,
      nominal_fps: sc.timing.fps,
      irregular_timestamps: scene.clock.irregular,
      time_base_hz: scene.clock.irregular ? sc.timing.time_base_hz : null,
      timestamps_csv: fmt === 'tiff' || fmt === 'png' ? 'timestamps.csv' : null,
      duration_s: frames[frames.length - 1].t_s - frames[0].t_s,
    },
    interface: interfaceTruth(scene),
    dendrites: scene.dendrites.map((d, k) => {
      const spec = sc.scene.dendrites[k];
      return {
        id: d.id,
        base: baseImg(d.leaf.baseU, d.leaf.baseV),
        angle_deg: spec.angle_deg,
        start_s: spec.start_s,
        speed_segments: growth(spec),
        branches: d.branches.map((b, j) => ({
          index: b.index,
          base: baseImg(b.leaf.baseU, b.leaf.baseV),
          angle_deg: spec.angle_deg + spec.branches[j].angle_deg,
          start_s: Number.isFinite(b.leaf.profile.startS) ? b.leaf.profile.startS : null,
          speed_segments: growth(spec.branches[j]),
        })),
      };
    }),
    inclusions: sc.scene.inclusions.map((i) => ({ id: i.id, angle_deg: i.angle_deg, width_um: i.width_um })),
    frames,
    scenario: sc,
  };
}
