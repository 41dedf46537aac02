/**
 * Tip finding on a worker thread, pipelined with the segmentation of the next frames.
 *
 * Why: findTips (sub-pixel fits of every tip) costs about as much main-thread time as the
 * segmentation itself (≈ 10 ms/frame each at 1080p with a dozen tips), and the two are
 * sequential on one thread. The segmentation of frame n+1 does not need frame n's tips (only
 * the linker does, in frame order), so the tips of frame n are found on a worker while the main
 * thread segments frame n+1: the two stages overlap on the two cores.
 *
 * How: the worker runs the same findTips on the same data. Each frame's segmentation output
 * that findTips reads (darkening, blurred darkening, labels) is copied into one of `slots`
 * shared buffers — only where it reads (readArea: the rectangles the segmenter worked on this
 * frame, near the regions that touch the interface) — and the worker gets the slot number, the
 * regions and the thresholds. A slot is reused only after its frame's tips are back
 * (the caller keeps at most `slots` frames in flight), so memory stays bounded: slots × 12 bytes
 * per pixel. The worker keeps its own TipHistory (what a frame's search takes from the frame
 * before), started from the caller's and fed the same frames in the same order, so a frame is
 * submitted without waiting for the tips of the one before. The tips are bit-identical to an
 * in-thread findTips (test/pipeline/tipPool.test.ts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../core/packageRoot.js';
import type { Reference } from '../segment/reference.js';
import type { RectPx, SegmentResult } from '../segment/segmenter.js';
import { rowSpans, type RowSpans } from '../segment/rowSpans.js';
import type { TipCandidate, TipHistory, TipOptions } from '../track/index.js';
import { copyRunF32, copyRunI32, fillRunI32 } from '../core/runs.js';

/** One shared copy of what findTips reads of a segmented frame. */
interface Slot {
  /** Darkening: valid over the frame's read area (its rectangles and dendrites' boxes). */
  D: Float32Array;
  /** Blurred darkening: valid at the labelled pixels (all findTips reads of it), or over the read area. */
  Db: Float32Array;
  labels: Int32Array;
  /** Row spans written last time (labels there are cleared before the next copy). */
  written: RowSpans;
  /** Its labels were written to (copied by submit, or given out by nextLabels) before: no longer all 0. */
  touched: boolean;
}

/** What the worker answers per frame. */
interface TipReply {
  id: number;
  tips?: TipCandidate[];
  error?: string;
  /** Worker time for this frame [ms]. */
  ms: number;
}

/**
 * Run findTips off the main thread on 'auto' when the frame is large enough for the overlap to
 * pay for the copies and the messages (≥ 0.5 Mpx) and a core is free for it: the cores not taken
 * by ffmpeg's decoding (a video takes one) are at least two. Always on '1', never on '0'
 * (environment LIDTRACK_TIP_WORKER, default 'auto').
 *
 * Why the cores: the worker only overlaps the tips with the segmentation; it does not make them
 * cheaper. It costs CPU of its own (the copies into the shared slots, a message per frame, a
 * second V8 isolate compiling the tip code). With a video on two cores, ffmpeg already keeps one
 * core busy and both are full: the run is bound by the CPU time of all its threads, and the
 * worker added to it. Measured on this 2-core machine, 1080p bench files, interleaved runs:
 * 250 frames, lidtrack's own CPU 2.35 s in-thread against 2.43 s with the worker, wall 2.82 s
 * against 2.90 s (4 pairs; 720p: 1.97 against 2.00 s); 1500 frames, CPU 15.5–15.7 s against
 * 16.6–18.0 s, wall 17.1–17.3 s against 17.1–18.4 s (2 pairs); tracks identical.
 */
export function useTipWorker(
  pixels: number,
  opts: { setting?: string; cores?: number; decoderTakesCore?: boolean } = {},
): boolean {
  const setting = opts.setting ?? process.env.LIDTRACK_TIP_WORKER ?? 'auto';
  if (setting === '0') return false;
  if (setting === '1') return true;
  const free = (opts.cores ?? availableParallelism()) - (opts.decoderTakesCore ? 1 : 0);
  return pixels >= 500_000 && free >= 2;
}

/**
 * How far from a dendrite region's box findTips reads [px]: the tip profile runs 8 px ahead of
 * the deepest row and 16 behind it along the tip's axis, whose slope is at most 1.5 px per row,
 * so it leaves the box by at most 24·1.5 + 4 (half-width) + 1 (interpolation) px; the 2-D tip
 * window is smaller. With a safety margin.
 */
export const TIP_READ_MARGIN_PX = 48;

/**
 * The part of a segmented frame findTips reads: the plan's rectangles (outside them nothing is
 * current) within TIP_READ_MARGIN_PX of a region touching the interface (only those have tips):
 * each plan rectangle ∩ each such region's grown box. They may overlap (submit copies their union once, rowSpans).
 */
export function readArea(seg: SegmentResult, plan: readonly RectPx[], cw: number, ch: number): RectPx[] {
  const m = TIP_READ_MARGIN_PX;
  const out: RectPx[] = [];
  for (const r of seg.regions) {
    if (!r.touchesInterface) continue;
    const x0 = Math.max(0, r.uMin - m), x1 = Math.min(cw, r.uMax + 1 + m), y0 = Math.max(0, r.vMin - m), y1 = Math.min(ch, r.vMax + 1 + m);
    for (const p of plan) {
      const a = Math.max(x0, p.x), z = Math.min(x1, p.x + p.w), t = Math.max(y0, p.y), bt = Math.min(y1, p.y + p.h);
      if (z > a && bt > t) out.push({ x: a, y: t, w: z - a, h: bt - t });
    }
  }
  return out;
}

/**
 * Frames in flight at most (submitted, tips not yet taken). Four, not two: the main thread's time
 * per frame varies (a whole frame every 12th costs ≈ 10 ms more), and with two the worker ran dry
 * behind such a frame while the main thread, two frames ahead, then waited for it. On the
 * 1500-frame 1080p bench video, interleaved: 2 slots 18.64, 18.23 s; 4 slots 17.44, 17.53 s; 6 slots
 * 17.56, 17.01 s. Each slot is 12 bytes per pixel of shared memory, of which only the pixels
 * copied or labelled are ever touched (peak RSS 324 → 350 MB with 4).
 */
export const TIP_POOL_SLOTS = 4;
/** …as long as the slots take at most this much shared memory [bytes]; else 2 (e.g. 4K frames: 100 MB a slot). */
const TIP_POOL_MAX_BYTES = 128 * 1024 * 1024;

/** The slots for frames of `pixels` (canonical): TIP_POOL_SLOTS within TIP_POOL_MAX_BYTES, at least 2. */
export function tipPoolSlots(pixels: number): number {
  return Math.max(2, Math.min(TIP_POOL_SLOTS, Math.floor(TIP_POOL_MAX_BYTES / (12 * pixels))));
}

export class TipPool {
  readonly slots: number;
  private readonly worker: Worker;
  private readonly bufs: Slot[];
  private readonly waiting = new Map<number, { resolve: (r: TipReply) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private nextSlot = 0;
  private failed: Error | null = null;
  /** Canonical width: the row length of the shared buffers. */
  private readonly cw: number;
  /** Worker time summed over frames [ms]. */
  workerMs = 0;

  /**
   * @param history the tip history the worker starts from (its state before the first frame submitted)
   * @param slots frames in flight at most (by default tipPoolSlots of the frame size)
   */
  constructor(ref: Reference, opts: TipOptions, history: TipHistory, slots = tipPoolSlots(ref.geom.cw * ref.geom.ch)) {
    const n = ref.geom.cw * ref.geom.ch;
    this.cw = ref.geom.cw;
    this.slots = slots;
    this.bufs = Array.from({ length: slots }, () => ({
      D: new Float32Array(new SharedArrayBuffer(4 * n)),
      Db: new Float32Array(new SharedArrayBuffer(4 * n)),
      labels: new Int32Array(new SharedArrayBuffer(4 * n)),
      written: new Int32Array(0),
      touched: false,
    }));
    // the bundle (dist/lidtrack.mjs) has its tip module beside it; from the sources, tsx loads the TypeScript
    const fromBundle = fileURLToPath(import.meta.url).includes(`${join(PACKAGE_ROOT, 'dist')}`);
    const modulePath = fromBundle ? join(PACKAGE_ROOT, 'dist', 'track.mjs') : join(PACKAGE_ROOT, 'src', 'track', 'index.ts');
    this.worker = new Worker(join(PACKAGE_ROOT, 'src/pipeline/tipWorker.js'), {
      workerData: {
        moduleUrl: pathToFileURL(modulePath).href, useTsx: !fromBundle,
        ref, opts, slots: this.bufs.map((b) => ({ D: b.D, Db: b.Db, labels: b.labels })),
        branchSearchEvery: history.branchSearchEvery, history: history.snapshot(),
      },
    });
    this.worker.on('message', (m: TipReply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      this.workerMs += m.ms;
      if (m.error !== undefined) w.reject(new Error(m.error));
      else w.resolve(m);
    });
    const fail = (e: Error) => {
      this.failed ??= e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => { if (this.waiting.size) fail(new Error(`the tip worker exited (code ${code})`)); });
  }

  /**
   * The labels buffer of the slot the next submit uses: a segmenter that writes its labels there
   * (Segmenter.useLabelBuffer) spares submit their copy. Free to write: the caller keeps at most
   * `slots − 1` frames in flight when it segments the next one.
   */
  nextLabels(): { labels: Int32Array; zeroed: boolean } {
    const b = this.bufs[this.nextSlot];
    // (a slot's shared buffers are zero-filled when made: the first time needs no clearing)
    const zeroed = !b.touched;
    b.touched = true;
    return { labels: b.labels, zeroed };
  }

  /**
   * Copy frame `seg` (segmented on `plan`) into the next slot and have its tips found, as frame
   * `ordinal` of the worker's TipHistory (the frame after the last one submitted). The caller
   * must have at most `slots − 1` earlier frames still in flight.
   */
  submit(seg: SegmentResult, plan: readonly RectPx[], ordinal: number): Promise<TipCandidate[]> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.waiting.size >= this.slots) throw new Error(`TipPool: more than ${this.slots} frames in flight`);
    const k = this.nextSlot;
    this.nextSlot = (k + 1) % this.slots;
    const b = this.bufs[k];
    const w = this.cw;
    // labels the segmenter wrote into this slot itself (nextLabels) need no copy, and it keeps
    // them 0 outside its rectangles; copied ones are cleared where they were copied last time
    const labelsHere = seg.labels === b.labels;
    const ws = b.written;
    if (!labelsHere) for (let k = 0; k < ws.length; k += 3) fillRunI32(b.labels, 0, ws[k] * w + ws[k + 1], ws[k] * w + ws[k + 2]);
    // the read area's rectangles overlap where dendrites' boxes do: each pixel is copied once
    const copied = rowSpans(readArea(seg, plan, w, Math.round(b.labels.length / w)));
    for (let k = 0; k < copied.length; k += 3) {
      const i0 = copied[k] * w + copied[k + 1], i1 = copied[k] * w + copied[k + 2];
      copyRunF32(b.D, seg.darkening, i0, i1);
      if (!seg.labelSpans) copyRunF32(b.Db, seg.darkeningBlurred, i0, i1);
      if (!labelsHere) copyRunI32(b.labels, seg.labels, i0, i1);
    }
    // the blurred darkening is read at labelled pixels only (findTips' tip rows): copied there
    const ls = seg.labelSpans;
    if (ls) {
      for (let k = 0; k < ls.length; k += 3) {
        const i0 = ls[k] * w + ls[k + 1], i1 = ls[k] * w + ls[k + 2];
        copyRunF32(b.Db, seg.darkeningBlurred, i0, i1);
      }
    }
    b.written = labelsHere ? new Int32Array(0) : copied;
    if (!labelsHere && copied.length) b.touched = true;
    const id = this.nextId++;
    const reply = new Promise<TipReply>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    // findTips reads only the regions that touch the interface (dendrites): the rest (inclusions,
    // specks) would only be cloned across
    this.worker.postMessage({ id, slot: k, regions: seg.regions.filter((r) => r.touchesInterface), labelSpans: seg.labelSpans, gain: seg.gain, thresholdRel: seg.thresholdRel, ordinal });
    return reply.then((m) => m.tips!);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
