/**
 * `lidtrack track`: from a recording of growing dendrites to calibrated tip tracks.
 *
 * Reads like the table of contents of the analysis:
 *   1. ingest    — open the recording (true timestamps), stream frames
 *   2. reference — median of the first frames, pristine background, electrode interface
 *   3. segment   — per frame: darkening → threshold → morphology → components
 *   4. track     — per frame: sub-pixel tips of interface-touching regions, linked into tracks
 *   5. measure   — velocity (OLS on true time, 95 % CI), j_tip, windowed rates
 *   6. report    — tracks.csv, summary.json, manifest.json (atomic), figures + report.html
 * Each stage's failure is labelled with the stage's name.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isLidtrackError, InputError } from '../core/errors.js';
import type { Frame } from '../core/types.js';
import { LIDTRACK_VERSION } from '../core/version.js';
import { openSource } from '../ingest/index.js';
import { checkCurrentCovers, phasesOfCurrent, readCurrentLog, type CurrentPhase } from '../ingest/currentLog/index.js';
import { inclusionPhases } from '../measure/inclusionPhases.js';
import { DriftTracker } from '../register/index.js';
import { writeCsvAtomic } from '../report/atomic.js';
import { writeInclusionsCsv } from '../report/inclusionsCsv.js';
import { InclusionTracker } from '../track/inclusions/index.js';
import { branchContinuations, branchesFoundAsLeads, branchJunction, type BranchRow, type BranchTrack, consolidateBranches, smoothTrack, trackKinematics, type TrackKinematics } from '../measure/index.js';
import { clearRunOutputs, guardOutputDir, hashInput, writeManifest, type Manifest } from '../report/runFiles.js';
import { TipRowStore, type TipRowRef } from './tipRowStore.js';
import { capYoungGeneration, youngGenerationBytes } from '../core/youngGeneration.js';
import { branchSummaryJson, trackSummaryJson, writeBranchesCsv, writeSummaryJson, writeTracksCsv, type TrackRow } from '../report/tables.js';
import {
  buildReference, canonicalGeometry, canonicalToImage, loadOpenCv, openCvVersion, Segmenter, segmenterNeedsOpenCv, toCanonical,
  DEFAULT_REFERENCE_OPTIONS, type Cv, type Reference, type ReferenceOptions, type SegmentOptions,
} from '../segment/index.js';
import { type DendriteAxis, DEFAULT_BRANCH_OPTIONS, DEFAULT_LINK_OPTIONS, DEFAULT_MERGE_OPTIONS, DEFAULT_TIP_OPTIONS, mergeFragments, dendriteAxis, findTips, interfaceAt, lengthAlongAxisPx, Linker, type TipCandidate, TipHistory } from '../track/index.js';
import type { TrackConfig } from './trackConfig.js';
import { TipPool, useTipWorker } from './tipPool.js';
import { hasCheckpoint, restoreSegmenter, snapshotSegmenter, TrackCheckpoints, type ResumeInfo, type TrackRunState } from './checkpoint.js';
import { makeDirs } from '../core/makeDirs.js';

export interface TrackProgress {
  stage: string;
  frame: number;
  /** Expected frames (null if unknown). */
  total: number | null;
}

export interface TrackHooks {
  onProgress?: (p: TrackProgress) => void;
  /** Checked between frames: return true to stop (results are then marked partial). */
  shouldStop?: () => boolean;
}

export interface TrackResult {
  outDir: string;
  files: string[];
  tracks: Array<{ id: number; kinematics: TrackKinematics; rows: TrackRow[]; axis: DendriteAxis }>;
  /** Side branches of those tracks (empty with tips.branches off). */
  branches: BranchTrack[];
  framesProcessed: number;
  warnings: string[];
  status: 'complete' | 'partial';
  /** Set when the run continued from a checkpoint (--resume): frames skipped and analysed. */
  resumed: ResumeInfo | null;
}

/** A branch track must be seen in at least this fraction of the frames it spans (measure/branches.ts). */
const BRANCH_MIN_DUTY = 0.5;

/** Two dendrite tracks whose axes meet the interface this close are siblings from one base, not trunk and branch [px]. */
const BRANCH_BASE_SEPARATION_PX = 10;

/** A side branch found as a leading tip leaves its dendrite at most this far from where it is first seen [px]. */
const BRANCH_MAX_JUNCTION_PX = 30;

/** The reference's options from the track configuration's `segment` keys (the stage's defaults for those not given). */
export function referenceOptionsOf(seg: TrackConfig['segment']): ReferenceOptions {
  return {
    ...DEFAULT_REFERENCE_OPTIONS,
    ...(seg.closing_size_px ? { closingSizePx: seg.closing_size_px } : {}),
    ...(seg.dendrite_contrast !== undefined ? { dendriteContrast: seg.dendrite_contrast } : {}),
  };
}

/** CPU seconds (user + system) of this process's threads so far; child processes (ffmpeg) are not counted (Manifest.process_cpu_s). */
function processCpuS(): number {
  const ru = process.resourceUsage();
  return Number(((ru.userCPUTime + ru.systemCPUTime) / 1e6).toFixed(3));
}

function stage<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isLidtrackError(e)) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(`${name}: ${msg}`, { cause: e });
  }
}

/** The promise of f()'s result, f called at the first start() (later calls do nothing). */
function startLater<T>(f: () => Promise<T>): { promise: Promise<T>; start(): void } {
  let begin!: () => void;
  const promise = new Promise<T>((resolve, reject) => {
    let started = false;
    begin = () => {
      if (started) return;
      started = true;
      f().then(resolve, reject);
    };
  });
  return { promise, start: () => begin() };
}

/**
 * Start an async iteration now (its first next() is called at once, e.g. to spawn a decoder)
 * and hand its items on when iterated. close() ends it when it is never iterated to the end.
 */
function startEarly<T>(src: AsyncIterable<T>): AsyncIterable<T> & { close(): Promise<void> } {
  const it = src[Symbol.asyncIterator]();
  let first: Promise<IteratorResult<T>> | null = it.next();
  first.catch(() => undefined); // a rejection surfaces when it is awaited
  const iterator: AsyncIterator<T> = {
    next: () => {
      const f = first;
      first = null;
      return f ?? it.next();
    },
    return: async (v?: unknown) => {
      first = null;
      await it.return?.(v);
      return { done: true, value: v as T };
    },
  };
  return { [Symbol.asyncIterator]: () => iterator, close: async () => void (await iterator.return!()) };
}

/**
 * The rows of dendrite tracks that continue a branch (branchContinuations: track id → the
 * branch's linker id), as rows of that branch: its junction as in the branch's last frame.
 */
function continuationRows(
  tracks: ReadonlyArray<{ id: number; rows: readonly TrackRow[] }>, branches: readonly BranchTrack[], continued: ReadonlyMap<number, number>,
): BranchRow[] {
  const moved: BranchRow[] = [];
  for (const t of tracks) {
    const raw = continued.get(t.id);
    if (raw === undefined) continue;
    const b = branches.find((x) => x.rawId === raw)!, last = b.rows[b.rows.length - 1];
    for (const r of t.rows) {
      moved.push({
        branchId: raw, frame: r.frame, tS: r.tS, tipXPx: r.tipXPx, tipYPx: r.tipYPx, junctionXPx: last.junctionXPx, junctionYPx: last.junctionYPx,
        branchLengthPx: Math.hypot(r.tipXPx - last.junctionXPx, r.tipYPx - last.junctionYPx), tipSigmaPx: r.tipSigmaPx, refined: r.refined,
        parentRawId: last.parentRawId,
      });
    }
  }
  return moved;
}

export async function runTrack(cfg: TrackConfig, hooks: TrackHooks = {}): Promise<TrackResult> {
  const startedAt = new Date().toISOString();
  if (!existsSync(cfg.input)) throw new InputError(`input ${cfg.input} does not exist`, 'check the path of the recording');
  // (a folder with a checkpoint is an interrupted run: TrackCheckpoints.open says what to do)
  guardOutputDir(cfg.out, cfg.force || cfg.resume || hasCheckpoint(cfg.out));

  // 0. the potentiostat log, read first so a bad log fails before any decoding
  const currentLog = cfg.current ? readCurrentLog(cfg.current, { clockOffsetS: cfg.current_offset_s }) : null;
  // checkpoints for --resume (src/pipeline/checkpoint.ts); the input's hash is computed alongside.
  // A resumed run needs it first (it must match the checkpoint's); a new run starts it once the
  // decoder has started (below): until then this thread is the start-up's critical path, and then
  // it waits for the first frames (≈ 0.1 s) — the hash of the 5 MB 250-frame bench file took
  // ≈ 10 ms of this thread before ffmpeg was spawned. Nothing awaits it before the first frames.
  const hashing = startLater(() => hashInput(cfg.input));
  if (cfg.resume) hashing.start();
  const inputHash = hashing.promise;
  inputHash.catch(() => undefined); // awaited later; a read error surfaces there
  const ckpt = await TrackCheckpoints.open(cfg, inputHash);

  // 1. ingest
  // (the decoder starts first and OpenCV.js loads while it decodes the first frames: loading it
  // blocks this thread for 0.1–0.3 s, and when it came first, the probe's ffprobe/ffmpeg runs
  // waited on it, one after the other, so the decoder started only after it)
  // (limited-range video: the segmenter maps only the pixels it reads to full range, instead of
  // ffmpeg mapping every pixel; not with --register, whose drift estimate reads whole frames)
  const source = await openSource(cfg.input, { roi: cfg.roi, timestampsCsv: cfg.timestamps, fps: cfg.fps, maxFrames: cfg.max_frames, deferGrayMap: !cfg.register });
  // (runTrack copies what it keeps of a frame: its buffers can go back to the decoder)
  const frameStream = startEarly(source.frames({ reuseBuffers: true }) as AsyncIterable<Frame>);
  hashing.start();
  // OpenCV.js only when the segmentation options need it (a blur other than 5 × 5): the default
  // analysis runs on lidtrack's own kernels, and the report's visuals load it when they run
  const segmentOpts: Partial<SegmentOptions> = {
    ...(cfg.segment.high_sigma ? { highSigma: cfg.segment.high_sigma } : {}),
    ...(cfg.segment.low_sigma ? { lowSigma: cfg.segment.low_sigma } : {}),
    ...(cfg.segment.min_area_px ? { minAreaPx: cfg.segment.min_area_px } : {}),
    ...(cfg.segment.blur_size_px ? { blurSizePx: cfg.segment.blur_size_px } : {}),
  };
  const cvLoading = segmenterNeedsOpenCv(segmentOpts) ? loadOpenCv() : Promise.resolve(null);
  cvLoading.catch(() => undefined); // awaited below; a failure surfaces there
  /** Threads to stop however the analysis ends (an error must not leave a worker holding the process). */
  const threads: Array<{ close(): Promise<void> }> = [];
  // V8's young generation stays at the size a short run reaches (core/youngGeneration.ts)
  const young = capYoungGeneration();
  try {
    return await analyse(await cvLoading);
  } finally {
    young.release();
    await frameStream.close(); // (no-op when the stream was read to its end)
    source.stopScan?.(); // (a run that failed does not wait for the probe's scan to exit)
    for (const t of threads) await t.close();
  }

  async function analyse(cv: Cv | null): Promise<TrackResult> {
    const { width, height } = source.info;
    const geom = canonicalGeometry(width, height, cfg.plating_edge as TrackConfig['plating_edge'] & ('top' | 'bottom' | 'left' | 'right'));
    const nRef = cfg.reference_frames;
    const roiX = cfg.roi?.x ?? 0, roiY = cfg.roi?.y ?? 0;

    let ref: Reference | null = null;
    let segmenter: Segmenter | null = null;
    const linker = new Linker({ ...DEFAULT_LINK_OPTIONS, ...(cfg.link.gate_px ? { gatePx: cfg.link.gate_px } : {}), ...(cfg.link.max_gap_frames !== undefined ? { maxGapFrames: cfg.link.max_gap_frames } : {}) });
    const branchLinker = new Linker(linker.opts);
    const tipOpts = {
      ...DEFAULT_TIP_OPTIONS, ...(cfg.tips.min_prominence_px ? { minProminencePx: cfg.tips.min_prominence_px } : {}), ...(cfg.tips.min_length_px !== undefined ? { minLengthPx: cfg.tips.min_length_px } : {}),
      branches: cfg.tips.branches ? { ...DEFAULT_BRANCH_OPTIONS, ...(cfg.tips.branch_min_length_px ? { minLengthPx: cfg.tips.branch_min_length_px } : {}) } : null,
    };
    // every tip row found, until the end (columns of numbers: tipRowStore.ts)
    let rows = new TipRowStore();
    const branchRows: BranchRow[] = [];
    const inclusions = new InclusionTracker({ offsetXPx: roiX, offsetYPx: roiY });
    // 1b. register: stage drift and flicker against frame 0 (raw estimates per frame, drift.csv)
    let drift: DriftTracker | null = null;
    const registered = new Uint8Array(width * height);
    const driftOf = new Map<number, { dxPx: number; dyPx: number }>();
    const pending: Array<{ index: number; tS: number; img: Uint8Array }> = [];
    let frames = 0;
    let stopped = false;
    // (the frame count the probe's packet scan gives comes during the run: read as it is now)
    const totalNow = () => source.info.frameCount;

    // per-stage wall time [ms], for the benchmark's timing table (manifest.json, not summary.json:
    // summary.json must be byte-identical between runs)
    const timing: Record<string, number> = { decode: 0, orient: 0, reference: 0, segment: 0, tips: 0, link: 0 };
    // Tips are found on a worker thread for large frames (tipPool.ts): frame n's tips while frame
    // n+1 is segmented; they are linked in frame order as they come back (at most pool.slots
    // frames in flight). Small frames: in this thread, at once.
    let pool: TipPool | null = null;
    const inFlight: Array<{ index: number; ordinal: number; tS: number; d: { dxPx: number; dyPx: number }; tips: Promise<TipCandidate[]> }> = [];
    /** Link the oldest frame in flight. */
    const landOldest = async () => {
      const f = inFlight.shift()!;
      const t0 = performance.now();
      let tips: TipCandidate[];
      try {
        tips = await f.tips;
      } catch (e) {
        throw new Error(`track: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      timing.tips_wait = (timing.tips_wait ?? 0) + performance.now() - t0;
      history.landed(f.ordinal, tips);
      noteTips(f.ordinal, tips);
      linkTips(f.index, f.tS, f.d, tips);
    };
    const drain = async () => {
      while (inFlight.length) await landOldest();
    };
    // A frame's tip search starts from the previous frame's (the fitted shapes and apices, the
    // branch ends: TipHistory). The tip worker keeps its own history, so no frame waits for the
    // previous one's tips to be submitted; this one is for in-thread runs and checkpoints.
    let processed = 0;
    // where the segmenter works between whole frames follows the tips (RoiScheduler: frozen
    // tiles); frame ordinals are the scheduler's frame count (one segmentNext per frame)
    const noteTips = (ordinal: number, tips: readonly TipCandidate[]) => {
      const uv: number[] = [];
      for (const t of tips) uv.push(t.u, t.v);
      segmenter?.schedule.noteTips(ordinal, uv);
    };
    let history = new TipHistory(cfg.tips.branch_search_every);
    const linkTips = (index: number, tS: number, d: { dxPx: number; dyPx: number }, all: TipCandidate[]) => {
      const t0 = performance.now();
      // findTips gives the leading tips first, then the branch ends
      const nLead = all.findIndex((t) => t.branch);
      const tips = nLead < 0 ? all : all.slice(0, nLead);
      const ids = linker.step(index, tS, tips.map((t) => ({ u: t.u, v: t.v })));
      if (nLead >= 0) {
        const bs = all.slice(nLead);
        const bids = branchLinker.step(index, tS, bs.map((t) => ({ u: t.u, v: t.v })));
        bs.forEach((t, k) => {
          const p = canonicalToImage(t.u, t.v, geom), j = canonicalToImage(t.branch!.junctionU, t.branch!.junctionV, geom);
          branchRows.push({
            branchId: bids[k], frame: index, tS, tipXPx: p.x + d.dxPx + roiX, tipYPx: p.y + d.dyPx + roiY,
            junctionXPx: j.x + d.dxPx + roiX, junctionYPx: j.y + d.dyPx + roiY, branchLengthPx: t.branch!.branchLengthPx,
            tipSigmaPx: t.sigmaPx, refined: t.refined, parentRawId: ids[t.branch!.leadIndex] ?? 0,
          });
        });
      }
      timing.link += performance.now() - t0;
      // tracks.csv holds each tip where it appears in its own frame: add the stage drift back
      tips.forEach((t, k) => {
        const p = canonicalToImage(t.u, t.v, geom);
        rows.push({
          trackId: ids[k], frame: index, tS, tipXPx: p.x + d.dxPx + roiX, tipYPx: p.y + d.dyPx + roiY, lengthPx: t.lengthPx, heightPx: t.lengthPx,
          tipSigmaPx: t.sigmaPx, areaPx: t.areaPx, refined: t.refined, canonU: t.u, canonV: t.v, regionLabel: t.regionLabel,
        });
      });
    };
    const processFrame = async (index: number, tS: number, img: Uint8Array) => {
      if (pool) while (inFlight.length >= pool.slots) await landOldest();
      let t0 = performance.now();
      // (the labels go straight into the tip worker's next slot: no copy in submit)
      if (pool) {
        const next = pool.nextLabels();
        segmenter!.useLabelBuffer(next.labels, next.zeroed);
      }
      const seg = stage('segment', () => segmenter!.segmentNext(img));
      let t1 = performance.now();
      timing.segment += t1 - t0;
      const d = driftOf.get(index) ?? { dxPx: 0, dyPx: 0 };
      driftOf.delete(index);
      const ordinal = processed++;
      if (pool) inFlight.push({ index, ordinal, tS, d, tips: pool.submit(seg, segmenter!.lastPlan, ordinal) });
      let tips: TipCandidate[] | null = null;
      if (!pool) {
        const { prior, branchSearch } = history.before(ordinal);
        tips = stage('track', () => findTips(seg, ref!, ref!.noiseSigmaRel, tipOpts, prior, branchSearch));
        history.landed(ordinal, tips);
        noteTips(ordinal, tips);
      }
      t0 = performance.now();
      timing.tips += t0 - t1;
      stage('inclusions', () => inclusions.step(index, tS, seg, geom, cfg.um_per_px));
      timing.inclusions = (timing.inclusions ?? 0) + performance.now() - t0;
      if (tips) linkTips(index, tS, d, tips);
    };

    const initReference = async (restored?: Reference) => {
      const tr = performance.now();
      ref = restored ?? stage('reference', () =>
        buildReference(pending.map((p) => p.img), geom, referenceOptionsOf(cfg.segment), source.grayMap),
      );
      segmenter = new Segmenter(cv, ref, segmentOpts, { fullEveryFrames: cfg.segment.full_frame_every, bandEveryFrames: cfg.segment.interface_band_every, freezeEveryFrames: cfg.segment.freeze_every });
      if (source.grayMap) segmenter.grayMap = source.grayMap;
      if (useTipWorker(geom.cw * geom.ch, { decoderTakesCore: source.kind === 'video' })) threads.push((pool = new TipPool(ref!, tipOpts, history)));
      timing.reference += performance.now() - tr;
      for (const p of pending) await processFrame(p.index, p.tS, p.img);
      pending.length = 0;
    };

    // --resume: continue from the state after the checkpoint's last frame
    const captureState = (): TrackRunState => ({
      reference: ref!, segmenter: snapshotSegmenter(segmenter!), linker: linker.snapshot(), inclusions: inclusions.snapshot(),
      drift: drift?.snapshot() ?? null, rows: rows.snapshot(), timing, branchLinker: branchLinker.snapshot(), branchRows,
      tipPriors: { processed, ...history.snapshot() },
    });
    if (ckpt.resumed) {
      const s = ckpt.resumed.state;
      // (before the tip worker starts: it starts from this history)
      if (s.tipPriors) {
        processed = s.tipPriors.processed;
        history = new TipHistory(cfg.tips.branch_search_every, s.tipPriors);
      }
      await initReference(s.reference);
      restoreSegmenter((segmenter as Segmenter | null)!, s.segmenter);
      linker.restore(s.linker);
      inclusions.restore(s.inclusions);
      if (s.drift) drift = DriftTracker.fromSnapshot(s.drift);
      rows = TipRowStore.fromSnapshot(s.rows);
      if (s.branchLinker) branchLinker.restore(s.branchLinker);
      for (const r of s.branchRows ?? []) branchRows.push(r);
      Object.assign(timing, s.timing);
      frames = ckpt.resumed.header.frames;
    }

    // 2–4. stream: the first frames are held until the reference exists, then every frame is
    // processed as it arrives (constant memory).
    const canon = new Uint8Array(geom.cw * geom.ch);
    let tWait = performance.now();
    for await (const raw of frameStream) {
      if (ckpt.skip(raw.index)) {
        // --resume: analysed before the checkpoint; decoded only (true timestamps come from the start)
        hooks.onProgress?.({ stage: 'resume', frame: raw.index + 1, total: totalNow() });
        if (hooks.shouldStop?.()) {
          stopped = true;
          break;
        }
        tWait = performance.now();
        continue;
      }
      timing.decode += performance.now() - tWait;
      frames++;
      let frame = raw;
      if (cfg.register) {
        const tr = performance.now();
        drift ??= new DriftTracker(raw.data.slice(), width, height);
        const ds = stage('register', () => drift!.update(raw.data, { index: raw.index, tS: raw.tS, out: registered }));
        driftOf.set(raw.index, { dxPx: ds.dxPx, dyPx: ds.dyPx });
        frame = { ...raw, data: registered };
        timing.register = (timing.register ?? 0) + performance.now() - tr;
      }
      const to = performance.now();
      if (!ref) {
        pending.push({ index: frame.index, tS: frame.tS, img: toCanonical(frame.data, geom, new Uint8Array(geom.cw * geom.ch)) });
        if (pending.length >= nRef) await initReference();
      } else {
        // (electrode on top: the frame is already canonical, and nothing keeps it past processFrame)
        const img = geom.edge === 'top' ? frame.data.subarray(0, geom.cw * geom.ch) : toCanonical(frame.data, geom, canon);
        timing.orient += performance.now() - to;
        await processFrame(frame.index, frame.tS, img);
      }
      const tc = performance.now();
      await ckpt.afterFrame(frame.index, frames, (ref as Reference | null) !== null && pending.length === 0, captureState, drain);
      timing.checkpoint = (timing.checkpoint ?? 0) + performance.now() - tc;
      hooks.onProgress?.({ stage: 'track', frame: frames, total: totalNow() });
      if (hooks.shouldStop?.()) {
        stopped = true;
        break;
      }
      tWait = performance.now();
    }
    // Ctrl-C in a terminal also reaches ffmpeg, which may end the stream before the check above
    if (!stopped && hooks.shouldStop?.()) stopped = true;
    // stopped: keep the state of the last analysed frame for --resume
    await drain();
    if (stopped) await ckpt.flush(captureState);
    else ckpt.checkReached();
    if (!ref && pending.length) {
      await initReference();
      await drain();
    }
    const youngMb = youngGenerationBytes() / 2 ** 20;
    const tileCounts = segmenter ? { ...(segmenter as Segmenter).schedule.tileCounts } : null;
    // The frames are done: the tip worker (its heap, its copy of the reference) and the frame
    // buffers (the worker's slots, ≈ 50 MB at 1080p; the segmenter's) are let go before the end of
    // the run allocates, which was where a long run's RSS peaked.
    if (pool) {
      const p = pool as TipPool;
      timing.tips_worker = p.workerMs;
      threads.splice(threads.indexOf(p), 1);
      await p.close();
      pool = null;
    }
    (segmenter as Segmenter | null)?.dispose();
    segmenter = null;
    // (the probe's packet scan, which decoding did not wait for: info complete — or, for an
    // interrupted run, as far as it got)
    if (stopped) source.stopScan?.();
    await source.settled?.();
    const report = source.lastReport();
    const warnings = [...source.warnings];
    // Frames lost mid-stream (corrupt data): say how many; the decoder's messages alone (some
    // ffmpeg builds warn about harmless timestamp details) are kept in summary.json only.
    const lostFrames = report && report.expectedFrames !== null && !report.endedEarly && !stopped && cfg.max_frames === undefined
      ? Math.max(0, report.expectedFrames - report.framesDecoded) : 0;
    if (lostFrames > 0) {
      warnings.push(`${lostFrames} frame(s) could not be decoded and were skipped (decoder: ${report!.decodeWarningCount} error line(s)); the other frames keep their true times`);
    }
    if (report?.endedEarly) warnings.push(`the recording ended early after ${report.framesDecoded} frames: ${report.endReason ?? 'unknown reason'}`);
    if (frames === 0) throw new InputError(`${cfg.input}: no frames could be decoded`, 'check the file with `lidtrack probe`');

    // 5. measure: group, filter (too short or static), renumber ids in order of first appearance.
    // (each raw row as a reference into the store: only the kept tracks' rows become objects)
    const byId = new Map<number, TipRowRef[]>();
    for (const r of rows.refs()) {
      if (!byId.has(r.trackId)) byId.set(r.trackId, []);
      byId.get(r.trackId)!.push(r);
    }
    const refDone = ref as Reference | null;
    if (!refDone) throw new InputError(`${cfg.input}: no reference could be built`, 'the recording needs at least one frame');
    // pieces of one dendrite that frame-by-frame linking left apart are joined (mergeFragments.ts)
    const pieces = [...byId.values()];
    const joined = cfg.link.merge_fragments
      ? stage('measure', () => mergeFragments(pieces, { ...DEFAULT_MERGE_OPTIONS, gatePx: linker.opts.gatePx, gateFactor: linker.opts.gateFactor, maxGapFrames: linker.opts.maxGapFrames }))
      : pieces.map((rs, k) => ({ rows: rs, members: [k] }));
    const kept = joined
      // each with the linker's ids of its pieces (a branch names the piece its trunk was in)
      .map((j) => ({ rs: j.rows, rawIds: j.members.map((m) => pieces[m][0].trackId) }))
      .filter(({ rs }) => rs.length >= cfg.min_track_points)
      // found in too few of the frames it spans: a noise peak that comes back now and then
      .filter(({ rs }) => rs.length >= cfg.min_duty * (rs[rs.length - 1].frame - rs[0].frame + 1))
      .filter(({ rs }) => {
        const ls = rs.map((r) => r.heightPx);
        // a dendrite reaches into the crystal, not only along the interface
        return Math.max(...ls) - Math.min(...ls) >= cfg.min_growth_px && Math.max(...ls) >= cfg.min_height_px;
      })
      .sort(({ rs: a }, { rs: b }) => a[0].frame - b[0].frame || a[0].tipXPx - b[0].tipXPx || a[0].tipYPx - b[0].tipYPx);
    // the k-th kept track gets id k + 1, its rows too (in place)
    const renumber = <T extends { rows: TrackRow[] }>(t: T, k: number): T & { id: number } => {
      for (const r of t.rows) r.trackId = k + 1;
      return { ...t, id: k + 1 };
    };
    const grown = kept.map(({ rs: refs, rawIds }, k) => {
      const id = k + 1;
      const rs = refs.map((r) => rows.row(r.index));
      const axis = dendriteAxis(rs.map((r) => r.canonU), rs.map((r) => r.canonV), (u) => interfaceAt(ref!, u), 10, (80 * Math.PI) / 180);
      // smoothed positions (extra columns; measure/smoothTrack.ts), back in each frame's image
      // coordinates by that frame's own offset (stage drift, ROI)
      const sm = smoothTrack(rs.map((r) => r.tS), rs.map((r) => r.canonU), rs.map((r) => r.canonV));
      // (the rows are completed in place: each belongs to one joined piece, and copies of hours
      // of tip rows, made while the originals are still held, were the run's peak of memory)
      rs.forEach((r, k) => {
        const p = canonicalToImage(r.canonU, r.canonV, geom), q = canonicalToImage(sm.u[k], sm.v[k], geom);
        r.trackId = id;
        r.lengthPx = lengthAlongAxisPx(axis, r.canonU, r.canonV);
        r.smoothXPx = q.x + r.tipXPx - p.x;
        r.smoothYPx = q.y + r.tipYPx - p.y;
        r.smoothLengthPx = lengthAlongAxisPx(axis, sm.u[k], sm.v[k]);
      });
      // Tips within min_rate_length_px of the interface are reported but not used for the rate:
      // there the profile behind the tip is too short to place it to sub-pixel accuracy.
      const usable = rs.filter((r) => r.lengthPx >= cfg.min_rate_length_px);
      const fitRows = usable.length >= 3 ? usable : rs;
      const kin = stage('measure', () => trackKinematics(fitRows.map((r) => r.tS), fitRows.map((r) => r.lengthPx * cfg.um_per_px), cfg.rate_window_points));
      return { id, rawIds, kinematics: kin, rows: rs, axis };
    }).filter((t) => {
      if (!cfg.require_growth) return true;
      // Significant (lower 95 % bound > 0) and substantial (fitted growth over the track's
      // duration ≥ min_growth_px) growth: noise on a static feature passes neither.
      const k = t.kinematics;
      const grownPx = (k.velocityUmPerS * (k.tEndS - k.tStartS)) / cfg.um_per_px;
      const tiltOk = Math.abs(t.axis.tiltRad) <= (cfg.max_tilt_deg * Math.PI) / 180;
      return k.velocityCi95UmPerS[0] > 0 && grownPx >= cfg.min_growth_px && tiltOk;
    })
      .map(renumber);
    const branchesOf = (ts: typeof grown, rows: BranchRow[], requireGrowth = cfg.require_growth) => consolidateBranches(rows, new Map(ts.flatMap((t) => t.rawIds.map((raw) => [raw, t.id] as [number, number]))), {
      minPoints: cfg.min_track_points, minDuty: BRANCH_MIN_DUTY, umPerPx: cfg.um_per_px, rateWindowPoints: cfg.rate_window_points,
      requireGrowth, minGrowthPx: cfg.min_growth_px,
    });
    const renumbered = (ts: typeof grown) => ts.map(renumber);
    // (1) side branches found as leading tips from their first frame (branchesFoundAsLeads): their
    // rows become a branch of the dendrite they grow out of, at the junction on its tip path (branchJunction)
    const asLeads = cfg.tips.branches
      ? branchesFoundAsLeads(grown.map((t) => ({ id: t.id, rows: t.rows, baseU: t.axis.baseU })), { minStartHeightPx: 2 * cfg.min_height_px, baseSeparationPx: BRANCH_BASE_SEPARATION_PX })
      : new Map<number, number>();
    // ... only where they leave the other dendrite inside the crystal, behind the branch's first
    // tip: two dendrites whose regions are joined along a rough interface do not grow out of each other
    const junctions = new Map<number, { u: number; v: number }>();
    for (const [tid, pid] of [...asLeads]) {
      const t = grown.find((x) => x.id === tid)!, j = branchJunction(t.rows, grown.find((x) => x.id === pid)!.rows, BRANCH_MAX_JUNCTION_PX);
      const f = t.rows[0];
      const behind = j ? (f.canonU - j.u) * t.axis.du + (f.canonV - j.v) * t.axis.dv : NaN;
      if (!j || j.v - interfaceAt(ref!, j.u) < 2 * cfg.min_height_px || !(behind > 0) || behind > t.rows[0].lengthPx) asLeads.delete(tid);
      else junctions.set(tid, j);
    }
    const fromLeads: BranchRow[] = [];
    let nextRaw = 1;
    for (const r of branchRows) nextRaw = Math.max(nextRaw, r.branchId + 1);
    for (const t of grown) {
      const pid = asLeads.get(t.id);
      if (pid === undefined) continue;
      const p = grown.find((x) => x.id === pid)!;
      const j = junctions.get(t.id)!;
      const raw = nextRaw++;
      for (const r of t.rows) {
        // the row's own offset from canonical to image coordinates (stage drift, ROI)
        const c = canonicalToImage(r.canonU, r.canonV, geom), jc = canonicalToImage(j.u, j.v, geom);
        const jx = jc.x + r.tipXPx - c.x, jy = jc.y + r.tipYPx - c.y;
        fromLeads.push({
          branchId: raw, frame: r.frame, tS: r.tS, tipXPx: r.tipXPx, tipYPx: r.tipYPx, junctionXPx: jx, junctionYPx: jy,
          branchLengthPx: Math.hypot(r.tipXPx - jx, r.tipYPx - jy), tipSigmaPx: r.tipSigmaPx, refined: r.refined, parentRawId: p.rawIds[0],
        });
      }
    }
    let tracks = asLeads.size ? renumbered(grown.filter((t) => !asLeads.has(t.id))) : grown;
    let allBranchRows = fromLeads.length ? [...branchRows, ...fromLeads] : branchRows;
    const continuationOpts = {
      maxGapFrames: linker.opts.maxGapFrames, maxOverlapFrames: DEFAULT_MERGE_OPTIONS.maxOverlapFrames,
      gatePx: linker.opts.gatePx, gateFactor: linker.opts.gateFactor, minStartHeightPx: 2 * cfg.min_height_px,
    };
    // (2a) a branch that becomes a leading tip late in the recording: neither its branch rows nor
    // its dendrite rows alone may grow enough to be kept (the branching accuracy scenario: 8
    // frames as a branch, then 8 as a leading tip, the last of the video), so a dropped dendrite
    // track is tested as the continuation of every persistent branch, grown or not, and the two
    // are then kept or dropped together as one branch (by consolidateBranches' growth test)
    if (cfg.tips.branches && allBranchRows.length) {
      const keptRaw = new Set(grown.flatMap((t) => t.rawIds));
      const dropped = joined
        .filter((j) => j.rows.length >= 2 && !j.members.some((m) => keptRaw.has(pieces[m][0].trackId)))
        // (the row references carry what the continuation test reads; only the pieces it joins
        // to a branch become row objects)
        .map((j, k) => ({ id: -(k + 1), rows: j.rows }));
      const persistent = dropped.length ? branchesOf(tracks, allBranchRows, false) : [];
      const lateOnes = persistent.length ? branchContinuations(dropped, persistent, continuationOpts) : new Map<number, number>();
      if (lateOnes.size) {
        const joinedOnes = dropped.filter((d) => lateOnes.has(d.id)).map((d) => ({ id: d.id, rows: d.rows.map((r) => rows.row(r.index)) }));
        allBranchRows = [...allBranchRows, ...continuationRows(joinedOnes, persistent, lateOnes)];
      }
    }
    let branches = branchesOf(tracks, allBranchRows);
    // (2) a branch grown deeper than the trunk beside it is found as a leading tip from then on:
    // the dendrite track that starts where it was heading goes back to the branch (branchContinuations)
    const continued = branches.length ? branchContinuations(tracks, branches, continuationOpts) : new Map<number, number>();
    if (continued.size) {
      const moved = continuationRows(tracks, branches, continued);
      tracks = renumbered(tracks.filter((t) => !continued.has(t.id)));
      branches = branchesOf(tracks, [...allBranchRows, ...moved]);
    }

    // inclusions (isolated Li) and the current phases
    const inclRows = inclusions.finish();
    let phases: CurrentPhase[] = [];
    if (currentLog) {
      const span = rows.timeRange();
      let lo = span?.minS ?? Infinity, hi = span?.maxS ?? -Infinity;
      for (const r of inclRows) {
        lo = Math.min(lo, r.tS);
        hi = Math.max(hi, r.tS);
      }
      if (lo <= hi) checkCurrentCovers(currentLog.samples, lo, hi, cfg.current!);
      phases = phasesOfCurrent(currentLog.samples);
    }

    // 6. report (a --force rerun starts from an empty set of outputs: nothing stale survives)
    // (a resumed run replaces the interrupted run's partial outputs likewise)
    if (cfg.force || ckpt.resumed) clearRunOutputs(cfg.out);
    makeDirs(cfg.out);
    const files: string[] = [];
    if (inclRows.length || cfg.current) files.push(writeInclusionsCsv(cfg.out, inclRows, cfg.um_per_px));
    if (currentLog) {
      const path = join(cfg.out, 'current.csv');
      writeCsvAtomic(path, ['t_s', 'current_mA'], currentLog.samples.map((q) => [q.tS, q.currentMA]));
      files.push(path);
    }
    if (drift) {
      const path = join(cfg.out, 'drift.csv');
      writeCsvAtomic(path, ['t_s', 'dx_px', 'dy_px', 'frame', 'gain', 'peak_z', 'reliable'],
        drift.samples.map((q) => [q.tS, Number(q.dxPx.toFixed(4)), Number(q.dyPx.toFixed(4)), q.index, Number(q.gain.toFixed(5)), Number(q.peakZ.toFixed(2)), q.reliable ? 1 : 0]));
      files.push(path);
    }
    files.push(writeTracksCsv(cfg.out, tracks.flatMap((t) => t.rows), cfg.um_per_px));
    if (cfg.tips.branches) files.push(writeBranchesCsv(cfg.out, branches, cfg.um_per_px));
    const refInfo = ref as Reference | null;
    files.push(
      writeSummaryJson(cfg.out, {
        // initiation: first true time the tip is beyond initiation_length_um from its base
        tracks: tracks.map((t) => {
          const first = t.rows.find((r) => r.lengthPx * cfg.um_per_px >= cfg.initiation_length_um);
          return trackSummaryJson(t.id, t.kinematics, { initiationTS: first ? first.tS : null, initiationLengthUm: cfg.initiation_length_um });
        }),
        ...(cfg.tips.branches ? { branches: branches.map((b) => branchSummaryJson(b, cfg.um_per_px)) } : {}),
        inclusions: inclusionPhases(inclRows, phases, cfg.um_per_px),
        registration: drift
          ? {
              reference_frame: 0,
              max_abs_dx_px: Number(Math.max(0, ...drift.samples.map((q) => Math.abs(q.dxPx))).toFixed(3)),
              max_abs_dy_px: Number(Math.max(0, ...drift.samples.map((q) => Math.abs(q.dyPx))).toFixed(3)),
              unreliable_frames: drift.samples.filter((q) => !q.reliable).length,
              gain_min: Number(Math.min(...drift.samples.map((q) => q.gain)).toFixed(4)),
              gain_max: Number(Math.max(...drift.samples.map((q) => q.gain)).toFixed(4)),
            }
          : null,
        // (without the decoder's buffer high-water mark: it depends on wall-clock speeds, and
        // summary.json must be byte-identical between runs, resumed or not)
        video: { ...source.info, timestamp_source: source.timestampSource, frames_processed: frames, decode: report && (({ maxBufferedFrames: _, ...r }) => r)(report) },
        calibration: {
          um_per_px: cfg.um_per_px,
          plating_edge: cfg.plating_edge,
          roi: cfg.roi ?? null,
          interface_visible: refInfo?.iface.visible ?? null,
          noise_sigma_rel: refInfo ? Number(refInfo.noiseSigmaRel.toPrecision(4)) : null,
        },
        status: stopped ? 'partial' : 'complete',
        warnings,
        lidtrack_version: LIDTRACK_VERSION,
      }),
    );
    const manifest: Manifest = {
      status: stopped ? 'partial' : 'complete',
      command: 'track',
      input: { path: cfg.input, hash: await inputHash },
      config: cfg,
      versions: { lidtrack: LIDTRACK_VERSION, node: process.version, opencv_js: cv ? openCvVersion(cv) : 'not used (the analysis ran on lidtrack\'s own kernels)' },
      started_at: startedAt,
      finished_at: new Date().toISOString(),
      outputs: files.map((f) => f.slice(cfg.out.length + 1)),
      notes: warnings,
      timing_ms_per_frame: Object.fromEntries(Object.entries(timing).map(([k, v]) => [k, Number((v / Math.max(1, frames)).toFixed(3))])),
      young_generation_mb: youngMb,
      ...(tileCounts ? { tiles_segmented: tileCounts.segmented, tiles_frozen: tileCounts.frozen } : {}),
      process_cpu_s: processCpuS(),
      ...(ckpt.resumed ? { resumed: ckpt.resumeInfo()! } : {}),
    };
    files.push(writeManifest(cfg.out, manifest));
    if (!stopped) ckpt.remove(); // complete: nothing to resume
    if (cfg.report && !stopped && cfg.visuals) {
      hooks.onProgress?.({ stage: 'visuals', frame: frames, total: totalNow() });
      const { runVisuals } = await import('./runVisuals.js');
      files.push(
        ...(await runVisuals(cv ?? (await loadOpenCv()), source, refDone, geom, tracks, {
          outDir: cfg.out, umPerPx: cfg.um_per_px, edge: geom.edge, overlayVideo: cfg.overlay_video, roiX, roiY,
        }, inclRows, branches)),
      );
    }
    if (cfg.report) {
      hooks.onProgress?.({ stage: 'report', frame: frames, total: totalNow() });
      const { buildReport } = await import('../report/buildReport.js');
      const rep = await buildReport(cfg.out);
      files.push(...rep.files);
    }
    return { outDir: cfg.out, files, tracks, branches, framesProcessed: frames, warnings, status: stopped ? 'partial' : 'complete', resumed: ckpt.resumeInfo() };
  }
}
