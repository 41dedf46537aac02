/**
 * Tip sub-pixel fit benchmark: cost per fitRampEdge call and agreement with the former
 * finite-difference fit (test/track/edgeFitReference.ts), both run in this process on the same
 * profiles.
 *
 * Profiles: (a) synthetic — the power (√, γ = ½) and ramp (wedge) models with random tip,
 * contrast, ℓ, σ and noise, sampled like findTips samples them (16 px behind, 8 ahead);
 * (b) real — every profile findTips fits on the frames of the bundled fixtures (tipFitInputs,
 * same segmentation as `lidtrack track` with default options).
 * Per set: µs per call (old, new, ratio new/old), tip |Δ| max and RMS [px], relative change of
 * the tip σ, how often the chosen model (wedge or √ power law) differs, and — synthetic only — the tip error vs truth.
 *
 *   node --import tsx test/bench/tips.ts [--synthetic 400] [--fixtures fig2,vfr,tiff16,mjpeg,branch] [--max-frames 80] [--repeat 5]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_REFERENCE_OPTIONS } from '../../src/segment/reference.js';
import { buildReference, canonicalGeometry, loadOpenCv, Segmenter, toCanonical } from '../../src/segment/index.js';
import { openSource } from '../../src/ingest/index.js';
import { gaussian, mulberry32 } from '../helpers/rng.js';
import { fitRampEdge, powerEdgeModel, rampEdgeModel, type EdgeFitResult } from '../../src/track/edgeFit.js';
import { DEFAULT_TIP_OPTIONS, tipFitInputs, type TipFitInput } from '../../src/track/findTips.js';
import { fitRampEdge as fitRampEdgeOld } from '../track/edgeFitReference.js';
import type { Frame } from '../../src/core/types.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}
const N_SYNTH = Number(arg('--synthetic', '400'));
const FIXTURES = arg('--fixtures', 'fig2,vfr,tiff16,mjpeg,branch').split(',').filter(Boolean);
const MAX_FRAMES = Number(arg('--max-frames', '80'));
const REPEAT = Number(arg('--repeat', '5'));

/** Fixture inputs and their options (as in test/pipeline/trackFixtures.test.ts). */
const FIXTURE_INPUTS: Record<string, { input: string; edge: 'top' | 'bottom' | 'left' | 'right'; timestamps?: string }> = {
  fig2: { input: 'fixtures/fig2/video.mp4', edge: 'bottom' },
  vfr: { input: 'fixtures/vfr/video.mp4', edge: 'bottom' },
  tiff16: { input: 'fixtures/tiff16/video.tif', edge: 'left', timestamps: 'fixtures/tiff16/timestamps.csv' },
  mjpeg: { input: 'fixtures/mjpeg/video.avi', edge: 'top' },
  branch: { input: 'fixtures/branch/video.mkv', edge: 'right' },
  hard: { input: 'fixtures/hard/video.mp4', edge: 'bottom' },
};

/** Deterministic PRNG (mulberry32) and a Gaussian from the same stream. */
function rng(seed: number) {
  const u = mulberry32(seed);
  return { u, gauss: gaussian(u) };
}

export interface SynthProfile extends TipFitInput { trueTip: number; model: 'power' | 'ramp' }

/** Profiles like findTips extracts them: integer v from 16 px behind to 8 px ahead of the pixel-level tip. */
export function syntheticProfiles(n: number, seed = 7): SynthProfile[] {
  const R = rng(seed);
  const out: SynthProfile[] = [];
  for (let k = 0; k < n; k++) {
    const model = k % 2 === 0 ? 'power' : 'ramp';
    const s = 40 + 30 * R.u();
    const C = 0.5 + 4 * R.u();
    const l = model === 'power' ? 3 + 12 * R.u() : 1 + 10 * R.u();
    const sig = 0.7 + 1.3 * R.u();
    const b = 0.05 * (R.u() - 0.5);
    const noise = C * (0.01 + 0.08 * R.u());
    const p = model === 'power' ? [b, C, s, l, sig, 0.5] : [b, C, s, l, sig];
    const vTip = Math.floor(s - 0.5 + 0.6 * (R.u() - 0.5));
    const vs: number[] = [], ds: number[] = [];
    for (let v = vTip - 16; v <= vTip + 8; v++) {
      vs.push(v);
      ds.push((model === 'power' ? powerEdgeModel(v, p) : rampEdgeModel(v, p)) + noise * R.gauss());
    }
    let cg = 0, nc = 0;
    for (let i = 0; i < vs.length; i++) if (vs[i] <= vTip - 2) { cg += ds[i]; nc++; }
    out.push({ vs, ds, tipGuess: vTip + 0.5, contrastGuess: cg / nc, noiseSigma: noise, shape: 'power', trueTip: s, model });
  }
  return out;
}

/** Every sub-pixel fit findTips runs on the first maxFrames frames of a fixture. */
export async function fixtureProfiles(name: string, maxFrames: number): Promise<TipFitInput[]> {
  const f = FIXTURE_INPUTS[name];
  if (!f) throw new Error(`unknown fixture ${name}; known: ${Object.keys(FIXTURE_INPUTS).join(', ')}`);
  const source = await openSource(f.input, { timestampsCsv: f.timestamps, maxFrames });
  const cv = await loadOpenCv();
  const geom = canonicalGeometry(source.info.width, source.info.height, f.edge);
  const pending: Uint8Array[] = [];
  const out: TipFitInput[] = [];
  let seg: Segmenter | null = null;
  let ref: ReturnType<typeof buildReference> | null = null;
  const process1 = (img: Uint8Array) => out.push(...tipFitInputs(seg!.segment(img), ref!, ref!.noiseSigmaRel, DEFAULT_TIP_OPTIONS));
  for await (const fr of source.frames() as AsyncIterable<Frame>) {
    const img = toCanonical(fr.data, geom, new Uint8Array(geom.cw * geom.ch));
    if (!ref) {
      pending.push(img);
      if (pending.length >= 5) {
        ref = buildReference(pending, geom, DEFAULT_REFERENCE_OPTIONS);
        seg = new Segmenter(cv, ref);
        for (const p of pending) process1(p);
      }
    } else process1(img);
  }
  (seg as Segmenter | null)?.dispose();
  return out;
}

type Fit = (vs: ArrayLike<number>, ds: ArrayLike<number>, t: number, c: number, n: number, s: 'power' | 'ramp') => EdgeFitResult;

/** Best-of-`repeat` mean µs per call over all profiles, and the results of the last pass. */
function timeFits(fit: Fit, profiles: TipFitInput[], repeat: number): { usPerCall: number; res: EdgeFitResult[] } {
  let best = Infinity, res: EdgeFitResult[] = [];
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    const cur: EdgeFitResult[] = new Array(profiles.length);
    for (let i = 0; i < profiles.length; i++) {
      const p = profiles[i];
      cur[i] = fit(p.vs, p.ds, p.tipGuess, p.contrastGuess, p.noiseSigma, p.shape);
    }
    best = Math.min(best, ((performance.now() - t0) * 1000) / Math.max(1, profiles.length));
    res = cur;
  }
  return { usPerCall: best, res };
}

export interface Comparison { name: string; n: number; oldUs: number; newUs: number; dMax: number; dRms: number; sigRelMax: number; modelFlips: number; errOld?: number; errNew?: number }

/** Did this 'power' call return the wedge? (its result equals the wedge-only fit; deterministic) */
function choseRamp(fit: Fit, p: TipFitInput, r: EdgeFitResult): boolean {
  if (p.shape === 'ramp') return true;
  const w = fit(p.vs, p.ds, p.tipGuess, p.contrastGuess, p.noiseSigma, 'ramp');
  return w.tipV === r.tipV && w.rampLength === r.rampLength;
}

export function compare(name: string, profiles: TipFitInput[], repeat: number, truth?: number[]): Comparison {
  // warm-up (JIT) on both, then alternate so both see the same machine state
  timeFits(fitRampEdgeOld, profiles.slice(0, 50), 1);
  timeFits(fitRampEdge, profiles.slice(0, 50), 1);
  const o = timeFits(fitRampEdgeOld, profiles, repeat);
  const w = timeFits(fitRampEdge, profiles, repeat);
  let dMax = 0, d2 = 0, sigRelMax = 0, flips = 0, eo = 0, en = 0;
  for (let i = 0; i < profiles.length; i++) {
    const a = o.res[i], b = w.res[i];
    const d = Math.abs(a.tipV - b.tipV);
    dMax = Math.max(dMax, d);
    d2 += d * d;
    if (Number.isFinite(a.tipSigma) && Number.isFinite(b.tipSigma)) sigRelMax = Math.max(sigRelMax, Math.abs(b.tipSigma / a.tipSigma - 1));
    else if (Number.isFinite(a.tipSigma) !== Number.isFinite(b.tipSigma)) sigRelMax = Infinity;
    if (choseRamp(fitRampEdgeOld, profiles[i], a) !== choseRamp(fitRampEdge, profiles[i], b)) flips++;
    if (truth) { eo += (a.tipV - truth[i]) ** 2; en += (b.tipV - truth[i]) ** 2; }
  }
  const n = profiles.length;
  return {
    name, n, oldUs: o.usPerCall, newUs: w.usPerCall, dMax, dRms: Math.sqrt(d2 / Math.max(1, n)), sigRelMax, modelFlips: flips,
    ...(truth ? { errOld: Math.sqrt(eo / n), errNew: Math.sqrt(en / n) } : {}),
  };
}

function printTable(rows: Comparison[]): void {
  console.log('| profiles        |     n | old µs/call | new µs/call | new/old | tip Δ max px | tip Δ RMS px | σ rel Δ max | model ≠ | RMSE vs truth old/new px |');
  console.log('|:----------------|------:|------------:|------------:|--------:|-------------:|-------------:|------------:|--------:|-------------------------:|');
  for (const r of rows) {
    const truth = r.errOld !== undefined ? `${r.errOld.toFixed(4)} / ${r.errNew!.toFixed(4)}` : '—';
    console.log(`| ${r.name.padEnd(15)} | ${String(r.n).padStart(5)} | ${r.oldUs.toFixed(1).padStart(11)} | ${r.newUs.toFixed(1).padStart(11)} | ${(r.newUs / r.oldUs).toFixed(3).padStart(7)} | ${r.dMax.toExponential(2).padStart(12)} | ${r.dRms.toExponential(2).padStart(12)} | ${r.sigRelMax.toExponential(2).padStart(11)} | ${String(r.modelFlips).padStart(7)} | ${truth.padStart(24)} |`);
  }
}

async function main(): Promise<void> {
  const rows: Comparison[] = [];
  const synth = syntheticProfiles(N_SYNTH);
  for (const model of ['power', 'ramp'] as const) {
    const ps = synth.filter((p) => p.model === model);
    rows.push(compare(`synthetic-${model}`, ps, REPEAT, ps.map((p) => p.trueTip)));
  }
  const all: TipFitInput[] = [];
  for (const name of FIXTURES) {
    const ps = await fixtureProfiles(name, MAX_FRAMES);
    all.push(...ps);
    rows.push(compare(name, ps, REPEAT));
  }
  if (FIXTURES.length > 1) rows.push(compare('all fixtures', all, REPEAT));
  printTable(rows);
  const fx = rows[rows.length - 1];
  console.log(`SUMMARY tips: fitRampEdge ${fx.newUs.toFixed(1)} µs/call (was ${fx.oldUs.toFixed(1)}, ×${(fx.newUs / fx.oldUs).toFixed(3)}) on ${fx.n} fixture profiles; tip Δ max ${fx.dMax.toExponential(1)} px, RMS ${fx.dRms.toExponential(1)} px`);
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) await main();
