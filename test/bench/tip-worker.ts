/**
 * What the tip worker costs per frame late in a long recording, in one thread, without the
 * pipeline around it: a figure the shared machines' noise moves far less than end-to-end
 * frames/s (issue 7; the worker is the critical path on long recordings).
 *
 * The 1500-frame 1920×1080 bench video (gen_video.py, as the speed bench makes it): its reference
 * from the first frames, then `--count` consecutive frames from `--from` on, each segmented whole
 * and given to findTips — the leading tips alone, with side branches, from the generic start
 * (cold) and from the shapes fitted a frame earlier (warm, as runTrack runs it). Per variant:
 * the least ms/frame over `--repeat` passes, and the tips found.
 *
 *   node --import tsx test/bench/tip-worker.ts [--video FILE] [--from 1300] [--count 20] [--repeat 5]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSource } from '../../src/ingest/index.js';
import type { Frame } from '../../src/core/types.js';
import { buildReference, canonicalGeometry, loadOpenCv, Segmenter, toCanonical } from '../../src/segment/index.js';
import { DEFAULT_REFERENCE_OPTIONS } from '../../src/segment/reference.js';
import { DEFAULT_BRANCH_OPTIONS, DEFAULT_TIP_OPTIONS, findTips, TipHistory, type TipCandidate, type TipOptions } from '../../src/track/index.js';
import type { SegmentResult } from '../../src/segment/segmenter.js';
import { trackConfigSchema } from '../../src/pipeline/trackConfig.js';

/** lidtrack track's default tips.branch_search_every. */
const DEFAULT_BRANCH_SEARCH_EVERY = trackConfigSchema.parse({ input: 'x', um_per_px: 1, plating_edge: 'top', out: 'x' }).tips.branch_search_every;

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}
const DIR = process.env.LIDTRACK_BENCH_DIR ?? join(tmpdir(), 'lidtrack-bench');
const SHARED = process.env.LIDTRACK_SHARED_BENCH ?? '/work/shared/bench';
const FROM = Number(arg('--from', '1300'));
const COUNT = Number(arg('--count', '20'));
const REPEAT = Number(arg('--repeat', '5'));
const N_REF = 5;

async function main(): Promise<void> {
  let video = arg('--video', join(DIR, 'videos-f1500', 'crack_1080p.mp4'));
  if (!existsSync(video)) {
    const vids = join(DIR, 'videos-f1500');
    mkdirSync(vids, { recursive: true });
    console.log(`generating the 1500-frame bench videos with gen_video.py → ${vids} (cached for later runs)…`);
    const g = spawnSync('/usr/bin/python3', [join(SHARED, 'gen_video.py'), '--out', vids, '--frames', '1500'], { encoding: 'utf8' });
    if (g.status !== 0) {
      console.log('tip-worker bench needs /usr/bin/python3 with cv2 (apt-get install -y python3-opencv) to make its video');
      console.log('SUMMARY tip-worker: not run (no video)');
      process.exitCode = 1;
      return;
    }
    video = join(vids, 'crack_1080p.mp4');
  }
  const cv = await loadOpenCv();
  const source = await openSource(video, { maxFrames: FROM + COUNT });
  const { width, height } = source.info;
  const geom = canonicalGeometry(width, height, 'top');
  const refFrames: Uint8Array[] = [];
  const segs: Array<Pick<SegmentResult, 'regions' | 'darkening' | 'darkeningBlurred' | 'labels' | 'labelSpans' | 'gain' | 'thresholdRel'>> = [];
  let segmenter: Segmenter | null = null;
  let ref: ReturnType<typeof buildReference> | null = null;
  for await (const f of source.frames() as AsyncIterable<Frame>) {
    if (refFrames.length < N_REF) {
      refFrames.push(toCanonical(f.data, geom, new Uint8Array(geom.cw * geom.ch)));
      if (refFrames.length === N_REF) {
        ref = buildReference(refFrames, geom, DEFAULT_REFERENCE_OPTIONS);
        segmenter = new Segmenter(cv, ref);
      }
      continue;
    }
    if (f.index < FROM) continue;
    const s = segmenter!.segment(toCanonical(f.data, geom, new Uint8Array(geom.cw * geom.ch)));
    // (copies: the segmenter's buffers are reused by the next frame)
    segs.push({ ...s, darkening: s.darkening.slice(), darkeningBlurred: s.darkeningBlurred.slice(), labels: s.labels.slice(), labelSpans: s.labelSpans?.slice(), regions: s.regions });
  }
  segmenter?.dispose();
  if (!ref || !segs.length) throw new Error(`no frames ${FROM}… in ${video}`);
  const leadOnly: TipOptions = { ...DEFAULT_TIP_OPTIONS, branches: null };
  const withBranches: TipOptions = { ...DEFAULT_TIP_OPTIONS, branches: DEFAULT_BRANCH_OPTIONS };
  /**
   * One pass over the frames; warm: each frame's fits start from the shapes of the frame before;
   * branch ends are looked for as lidtrack track does with `searchEvery` (TipHistory, the frames
   * counted from FROM).
   */
  const pass = (opts: TipOptions, warm: boolean, searchEvery = 1): { ms: number; tips: TipCandidate[][] } => {
    const tips: TipCandidate[][] = [];
    const history = new TipHistory(searchEvery);
    const t0 = performance.now();
    for (let k = 0; k < segs.length; k++) {
      const { prior, branchSearch } = history.before(k);
      const t = findTips(segs[k] as SegmentResult, ref!, ref!.noiseSigmaRel, opts, warm ? prior : [], branchSearch);
      history.landed(k, t);
      tips.push(t);
    }
    return { ms: (performance.now() - t0) / segs.length, tips };
  };
  const variants: Array<[string, TipOptions, boolean, number]> = [
    ['leading tips, cold start', leadOnly, false, 1],
    ['leading tips, warm start', leadOnly, true, 1],
    ['with branches, cold start', withBranches, false, 1],
    ['with branches, warm start, all dendrites searched every frame', withBranches, true, 1],
    [`with branches, warm start, searched as lidtrack track (every ${DEFAULT_BRANCH_SEARCH_EVERY})`, withBranches, true, DEFAULT_BRANCH_SEARCH_EVERY],
  ];
  const best = new Map<string, { ms: number; tips: TipCandidate[][] }>();
  for (let r = 0; r < REPEAT; r++) {
    for (const [name, opts, warm, every] of variants) {
      const p = pass(opts, warm, every);
      if (!best.has(name) || p.ms < best.get(name)!.ms) best.set(name, p);
    }
  }
  console.log(`findTips on frames ${FROM}–${FROM + segs.length - 1} of ${video} (1080p), least of ${REPEAT} passes, one thread:`);
  console.log('| variant | ms/frame | tips/frame | branch ends/frame |');
  console.log('|:--|--:|--:|--:|');
  for (const [name] of variants) {
    const b = best.get(name)!;
    const nt = b.tips.reduce((a, t) => a + t.length, 0) / segs.length, nb = b.tips.reduce((a, t) => a + t.filter((x) => x.branch).length, 0) / segs.length;
    console.log(`| ${name} | ${b.ms.toFixed(2)} | ${nt.toFixed(1)} | ${nb.toFixed(1)} |`);
  }
  const full = best.get(variants[4][0])!.ms, lead = best.get(variants[1][0])!.ms, every = best.get(variants[3][0])!.ms;
  console.log(`SUMMARY tip-worker: ${full.toFixed(2)} ms/frame for findTips as lidtrack runs it (leading tips ${lead.toFixed(2)}, branches ${(full - lead).toFixed(2)}; ${every.toFixed(2)} with every dendrite searched every frame); cold start ${best.get(variants[2][0])!.ms.toFixed(2)}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
