/**
 * Checkpoint round trips (src/pipeline/checkpoint.ts): the state codec and file keep every value
 * exactly (typed arrays, NaN, ±Infinity, −0, undefined); each stateful stage — Linker,
 * InclusionTracker, DriftTracker, Segmenter and the Reference — restored from a snapshot that went
 * through the checkpoint file continues exactly as the uninterrupted instance does; the
 * checkpoint policy writes when it should; opening for --resume checks config, input and frames.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { Frame } from '../../src/core/types.js';
import { openSource } from '../../src/ingest/index.js';
import {
  CHECKPOINT_DIR, CHECKPOINT_FILE, checkpointPolicy, configDifferences, decodeState, encodeState, payloadPieces, readCheckpointFile, restoreSegmenter, resumeConfig,
  snapshotSegmenter, TrackCheckpoints, writeCheckpointFile, MAX_OVERHEAD_FACTOR, type TrackRunState,
} from '../../src/pipeline/checkpoint.js';
import { trackConfigSchema } from '../../src/pipeline/trackConfig.js';
import { DriftTracker } from '../../src/register/index.js';
import { buildReference, canonicalGeometry, loadOpenCv, Segmenter, toCanonical, type Reference } from '../../src/segment/index.js';
import { InclusionTracker } from '../../src/track/inclusions/index.js';
import { Linker } from '../../src/track/linker.js';

const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-checkpoint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let fileNo = 0;
/** Through a checkpoint file and back, as --resume does. */
function viaFile<T>(state: T): T {
  const f = join(tmp, `rt-${++fileNo}`, CHECKPOINT_FILE);
  writeCheckpointFile(f, { format: 1, lidtrack_version: 'x', endianness: 'LE', written_at: '', config: {}, config_hash: '', input_hash: '', last_frame: 0, frames: 0 }, state);
  return readCheckpointFile(f).state as T;
}

describe('state codec and checkpoint file', () => {
  const value = {
    a: [1, 0.1 + 0.2, -0, NaN, Infinity, -Infinity, 1e-310, Number.MAX_VALUE],
    s: 'tëxt "quoted" $ not a tag',
    b: [true, false, null],
    u: undefined,
    nested: { list: [{ x: 1, y: undefined }, [2, [3]]], empty: {}, none: [] },
    u8: Uint8Array.from([0, 1, 255]),
    c8: Uint8ClampedArray.from([7]),
    i8: Int8Array.from([-128, 127]),
    u16: Uint16Array.from([65535]),
    i16: Int16Array.from([-3]),
    u32: Uint32Array.from([4294967295]),
    i32: Int32Array.from([-1, 2 ** 31 - 1]),
    f32: Float32Array.from([Math.PI, NaN, -0, -Infinity]),
    f64: Float64Array.from([Math.E, -0, 5e-324]),
    // a view into the middle of a larger buffer, at an odd byte offset
    view: new Uint8Array(new ArrayBuffer(16), 3, 5).fill(9),
    empty: new Float32Array(0),
  };

  it('every value comes back exactly (Object.is for numbers, same typed-array class and bytes, undefined kept as a key)', () => {
    const back = viaFile(value) as typeof value;
    expect(back).toStrictEqual(value);
    expect(Object.is(back.a[2], -0)).toBe(true);
    expect(Object.is(back.f64[1], -0)).toBe(true);
    expect(Number.isNaN(back.f32[1])).toBe(true);
    expect('u' in back).toBe(true);
    expect(back.f32).toBeInstanceOf(Float32Array);
    expect(back.view).toBeInstanceOf(Uint8Array);
    expect([...back.view]).toEqual([9, 9, 9, 9, 9]);
    expect(back.view.byteLength).toBe(5);
    // typed arrays sit at 8-aligned offsets of the payload
    const { tree } = encodeState(value);
    const refs = JSON.stringify(tree).match(/"o":\d+/g)!.map((m) => Number(m.slice(4)));
    expect(refs.length).toBe(12); // 11 typed arrays and `a` (8 numbers: stored as a Float64Array)
    for (const o of refs) expect(o % 8).toBe(0);
  });

  it('long arrays of numeric records and of numbers go to the payload by column, and come back exactly (key order, NaN, −0, booleans)', () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ trackId: i % 3, tS: i * 0.1 + 1e-12, x: i === 7 ? NaN : i === 8 ? -0 : -i / 7, refined: i % 2 === 0 }));
    const nums = Array.from({ length: 20 }, (_, i) => (i === 3 ? -0 : i === 4 ? -Infinity : Math.sqrt(i)));
    // not uniform: a key missing, another order, a string value, an undefined value → stored as JSON, still exact
    const mixed = [...rows.slice(0, 10), { trackId: 1, tS: 2 }];
    const reordered = [...rows.slice(0, 10), { tS: 0, trackId: 1, x: 0, refined: true }];
    const strings = rows.slice(0, 10).map((r, i) => (i === 9 ? { ...r, x: 'a' } : r));
    const undef = rows.slice(0, 10).map((r, i) => (i === 9 ? { ...r, x: undefined } : r));
    const value = { rows, nums, mixed, reordered, strings, undef, short: rows.slice(0, 3) };
    const tree = JSON.stringify(encodeState(value).tree);
    expect(tree.match(/\$cols/g)).toHaveLength(1);
    expect(tree.match(/\$nums/g)).toHaveLength(1);
    const back = viaFile(value);
    expect(back).toStrictEqual(value);
    expect(Object.keys(back.rows[5])).toEqual(['trackId', 'tS', 'x', 'refined']);
    expect(Object.is(back.rows[8].x, -0) && Number.isNaN(back.rows[7].x) && Object.is(back.nums[3], -0)).toBe(true);
  });

  it('columns longer than one write piece (8192 numbers) come back exactly, across the piece boundaries', () => {
    const rows = Array.from({ length: 20_001 }, (_, i) => ({ frame: i, x: i % 8191 === 0 ? NaN : Math.sin(i) * 1e3, ok: i % 3 === 0 }));
    const nums = Array.from({ length: 16_385 }, (_, i) => (i === 8192 ? -0 : 1 / (i + 1)));
    const back = viaFile({ rows, nums });
    expect(back).toStrictEqual({ rows, nums });
    expect(Object.is(back.nums[8192], -0)).toBe(true);
  });

  it('decoding copies: the restored arrays do not share memory with the file buffer or each other', () => {
    const enc = encodeState({ a: Float64Array.from([1, 2]), b: Float64Array.from([3]) });
    const payload = new Uint8Array(enc.bytes);
    let o = 0;
    for (const c of payloadPieces(enc.chunks)) (payload.set(c, o), (o += c.byteLength));
    const d = decodeState(enc.tree, payload) as { a: Float64Array; b: Float64Array };
    expect([...d.a, ...d.b]).toEqual([1, 2, 3]);
    payload.fill(0);
    expect([...d.a, ...d.b]).toEqual([1, 2, 3]);
  });

  it('refuses what it cannot store, naming where it is (a class instance, a Map, a reserved key)', () => {
    expect(() => encodeState({ x: { m: new Map() } })).toThrow(/state\.x\.m \(Map\)/);
    expect(() => encodeState({ l: new Linker() })).toThrow(/state\.l \(Linker\)/);
    expect(() => encodeState({ y: [{ $n: 1 }] })).toThrow(/state\.y\[0\]\.\$n \(keys starting with \$ are reserved\)/);
    expect(() => encodeState({ f: () => 1 })).toThrow(/state\.f \(function\)/);
  });

  it('a damaged file is detected: flipped payload byte, truncation, wrong magic', () => {
    const f = join(tmp, 'damage', CHECKPOINT_FILE);
    writeCheckpointFile(f, { format: 1, lidtrack_version: 'x', endianness: 'LE', written_at: '', config: {}, config_hash: '', input_hash: '', last_frame: 0, frames: 0 }, { big: new Float64Array(1000).fill(1) });
    const good = readFileSync(f);
    expect(readCheckpointFile(f).state).toStrictEqual({ big: new Float64Array(1000).fill(1) });
    const flipped = Buffer.from(good);
    flipped[flipped.length - 1] ^= 1;
    writeFileSync(f, flipped);
    expect(() => readCheckpointFile(f)).toThrow('payload checksum mismatch');
    writeFileSync(f, good.subarray(0, good.length - 8));
    expect(() => readCheckpointFile(f)).toThrow(/payload of \d+ bytes, expected 8000/);
    writeFileSync(f, good.subarray(0, 20));
    expect(() => readCheckpointFile(f)).toThrow(/truncated header/);
    writeFileSync(f, Buffer.concat([Buffer.from('NOTACKPT'), good.subarray(8)]));
    expect(() => readCheckpointFile(f)).toThrow('not a lidtrack checkpoint');
    // no temporary file is left beside it
    expect(readFileSync(join(f, '..', CHECKPOINT_FILE)).length).toBeGreaterThan(0);
    expect(existsSync(`${f}.tmp-${process.pid}`)).toBe(false);
  });
});

describe('snapshot / restore of the stateful stages: restored = uninterrupted', () => {
  it('Linker: ids after a restore (through the file) equal the uninterrupted ids, gaps and new tracks included', () => {
    // two tips growing at different speeds, one missing for 3 frames, a third appearing at frame 12
    const dets = (f: number) => {
      const d = [{ u: 40 + 0.2 * f, v: 10 + 3 * f }, { u: 120, v: 10 + 1.5 * f }];
      if (f >= 6 && f <= 8) d.pop();
      if (f >= 12) d.push({ u: 200, v: 12 + 2 * (f - 12) });
      return d;
    };
    const t = (f: number) => 0.125 * f + (f % 3) * 0.01; // irregular times
    const a = new Linker();
    const idsA: number[][] = [];
    let snap = null as ReturnType<Linker['snapshot']> | null;
    for (let f = 0; f < 20; f++) {
      idsA.push(a.step(f, t(f), dets(f)));
      if (f === 7) snap = a.snapshot();
    }
    expect(new Set(idsA.flat())).toEqual(new Set([1, 2, 3])); // real content: three tracks, the gap bridged
    const b = new Linker();
    b.restore(viaFile(snap!));
    for (let f = 8; f < 20; f++) expect(b.step(f, t(f), dets(f)), `frame ${f}`).toEqual(idsA[f]);
    // the snapshot was a copy: stepping `a` after it did not change it
    expect(snap!.open.find((o) => o.id === 1)!.lastFrame).toBe(7);
  });

  it('DriftTracker (fixtures/hard, 6 px drift): samples and registered frames after a restore equal the uninterrupted ones', async () => {
    const src = await openSource('fixtures/hard/video.mp4', { maxFrames: 40 });
    let a: DriftTracker | null = null, b: DriftTracker | null = null;
    const outA = new Uint8Array(320 * 240), outB = new Uint8Array(320 * 240);
    let compared = 0;
    for await (const f of src.frames() as AsyncIterable<Frame>) {
      a ??= new DriftTracker(f.data.slice(), f.width, f.height);
      const sa = a.update(f.data, { index: f.index, tS: f.tS, out: outA });
      if (f.index === 20) {
        const snap = a.snapshot();
        b = DriftTracker.fromSnapshot(viaFile(snap));
        expect(b.samples).toEqual(a.samples);
      } else if (b) {
        const sb = b.update(f.data, { index: f.index, tS: f.tS, out: outB });
        expect(sb).toEqual(sa);
        expect(Buffer.compare(outA, outB)).toBe(0);
        compared++;
      }
    }
    expect(compared).toBe(19);
    expect(b!.samples).toEqual(a!.samples);
    expect(Math.max(...a!.samples.map((s) => Math.abs(s.dxPx)))).toBeGreaterThan(1); // real drift was tracked
  });

  it('Reference, Segmenter and InclusionTracker (fixtures/ili_model): after a restore at frame 35, every segmentation and the final inclusion rows equal the uninterrupted run', async () => {
    const src = await openSource('fixtures/ili_model/video.mp4', { maxFrames: 70 });
    const cv = await loadOpenCv();
    const geom = canonicalGeometry(src.info.width, src.info.height, 'left');
    const first: Uint8Array[] = [];
    let ref: Reference | null = null;
    let segA: Segmenter | null = null, segB: Segmenter | null = null;
    const incA = new InclusionTracker();
    let incB: InclusionTracker | null = null;
    let compared = 0;
    for await (const f of src.frames() as AsyncIterable<Frame>) {
      const img = toCanonical(f.data, geom, new Uint8Array(geom.cw * geom.ch));
      if (!ref) {
        first.push(img);
        if (first.length < 5) continue;
        ref = buildReference(first, geom);
        segA = new Segmenter(cv, ref);
        continue;
      }
      const ra = segA!.segment(img);
      incA.step(f.index, f.tS, ra, geom, 0.5);
      if (f.index === 35) {
        // what a checkpoint holds, through the file
        const s = viaFile({ reference: ref, segmenter: snapshotSegmenter(segA!), inclusions: incA.snapshot() });
        expect(s.reference).toStrictEqual(ref);
        segB = new Segmenter(cv, s.reference);
        restoreSegmenter(segB, s.segmenter);
        expect(segB.sigmaBlurRel).toBe(segA!.sigmaBlurRel);
        incB = new InclusionTracker();
        incB.restore(s.inclusions);
      } else if (segB) {
        const rb = segB.segment(img);
        expect(rb.regions).toEqual(ra.regions);
        expect(rb.thresholdRel).toBe(ra.thresholdRel);
        // (the blurred darkening itself: its buffer, the blur kernel's memory, also holds the masks,
        // stale outside each frame's work rectangles)
        const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
        expect(Buffer.compare(bytes(rb.darkeningBlurred), bytes(ra.darkeningBlurred))).toBe(0);
        incB!.step(f.index, f.tS, rb, geom, 0.5);
        compared++;
      }
    }
    segA!.dispose();
    segB!.dispose();
    expect(compared).toBe(34);
    const rowsA = incA.finish(), rowsB = incB!.finish();
    expect(rowsA.length).toBeGreaterThan(50); // the migrating inclusion, tracked across the restore
    expect(rowsA.some((r) => r.frame < 35) && rowsA.some((r) => r.frame > 35)).toBe(true);
    expect(rowsB).toEqual(rowsA);
  });
});

describe('TrackCheckpoints', () => {
  const cfgFor = (out: string, extra: Record<string, unknown> = {}) =>
    trackConfigSchema.parse({ input: 'fixtures/fig2/video.mp4', um_per_px: 0.5, plating_edge: 'bottom', out, ...extra });
  const fakeState = (k: number) => ({ rows: [{ frame: k }], timing: { segment: k } }) as unknown as TrackRunState;
  const lastFrame = (out: string) => (existsSync(join(out, CHECKPOINT_DIR, CHECKPOINT_FILE)) ? readCheckpointFile(join(out, CHECKPOINT_DIR, CHECKPOINT_FILE)).header.last_frame : null);

  it('writes every N ready frames, on flush only when the last frame is unsaved, and removes the folder when done', async () => {
    const out = join(tmp, 'policy');
    const c = await TrackCheckpoints.open(cfgFor(out), Promise.resolve('sha256:in'), { everyFrames: 3, everySeconds: 1e9 });
    const seen: Array<number | null> = [];
    for (let i = 0; i <= 10; i++) {
      await c.afterFrame(i, i + 1, i >= 2, () => fakeState(i)); // frames 0, 1: no reference yet
      seen.push(lastFrame(out));
    }
    expect(seen).toEqual([null, null, null, null, 4, 4, 4, 7, 7, 7, 10]);
    const before = readFileSync(join(out, CHECKPOINT_DIR, CHECKPOINT_FILE));
    await c.flush(() => fakeState(99));
    expect(readFileSync(join(out, CHECKPOINT_DIR, CHECKPOINT_FILE)).equals(before)).toBe(true); // nothing new to save
    await c.afterFrame(11, 12, true, () => fakeState(11));
    await c.flush(() => fakeState(11));
    const { header, state } = readCheckpointFile(join(out, CHECKPOINT_DIR, CHECKPOINT_FILE));
    expect(header).toMatchObject({ last_frame: 11, frames: 12, input_hash: 'sha256:in', config: resumeConfig(cfgFor(out)) });
    expect(state).toEqual(fakeState(11));
    c.remove();
    expect(existsSync(join(out, CHECKPOINT_DIR))).toBe(false);
  });

  it('writes after everySeconds of wall time even before N frames', async () => {
    const out = join(tmp, 'policy-time');
    const c = await TrackCheckpoints.open(cfgFor(out), Promise.resolve('sha256:in'), { everyFrames: 1e9, everySeconds: 0.05 });
    await c.afterFrame(0, 1, true, () => fakeState(0));
    expect(lastFrame(out)).toBe(null);
    await new Promise((r) => setTimeout(r, 80));
    await c.afterFrame(1, 2, true, () => fakeState(1));
    expect(lastFrame(out)).toBe(1);
  });

  it('after a slow write (a large state), the next periodic write waits MAX_OVERHEAD_FACTOR times its duration', async () => {
    const out = join(tmp, 'policy-slow');
    const c = await TrackCheckpoints.open(cfgFor(out), Promise.resolve('sha256:in'), { everyFrames: 1, everySeconds: 1e9 });
    const slowState = (i: number) => {
      const t0 = performance.now();
      while (performance.now() - t0 < 80); // a write of ≥ 80 ms
      return fakeState(i);
    };
    const t0 = performance.now();
    await c.afterFrame(0, 1, true, () => slowState(0));
    expect(lastFrame(out)).toBe(0);
    const gapMs = MAX_OVERHEAD_FACTOR * (performance.now() - t0) * 0.9;
    // frames keep coming: no write until the gap has passed, then the next frame is written
    let i = 1;
    while (performance.now() - t0 < gapMs) {
      await c.afterFrame(i, i + 1, true, () => fakeState(i));
      expect(lastFrame(out)).toBe(0);
      i++;
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 0.2 * gapMs));
    await c.afterFrame(i, i + 1, true, () => fakeState(i));
    expect(lastFrame(out)).toBe(i);
  });

  it('--resume: restores the state and skips exactly the frames up to the checkpoint; checks config, input and the decoded frame count', async () => {
    const out = join(tmp, 'reopen');
    const w = await TrackCheckpoints.open(cfgFor(out), Promise.resolve('sha256:in'), { everyFrames: 1, everySeconds: 1e9 });
    await w.afterFrame(6, 7, true, () => fakeState(6));
    const r = await TrackCheckpoints.open(cfgFor(out, { resume: true, report: false, force: true }), Promise.resolve('sha256:in'));
    expect(r.resumed!.state).toEqual(fakeState(6));
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => r.skip(i))).toEqual([true, true, true, true, true, true, true, false, false]);
    await r.afterFrame(7, 8, true, () => fakeState(7));
    expect(r.resumeInfo()).toMatchObject({ after_frame: 6, frames_skipped: 7, frames_analysed: 1 });

    // a recording that decodes to fewer frames up to the checkpoint (a frame lost) is refused
    const r2 = await TrackCheckpoints.open(cfgFor(out, { resume: true }), Promise.resolve('sha256:in'));
    for (const i of [0, 1, 2, 4, 5, 6]) expect(r2.skip(i)).toBe(true);
    expect(() => r2.skip(7)).toThrow(/decoded to 6 frames up to frame 6, the checkpoint expected 7/);
    // … and one that ends before reaching it
    const r3 = await TrackCheckpoints.open(cfgFor(out, { resume: true }), Promise.resolve('sha256:in'));
    r3.skip(0);
    expect(() => r3.checkReached()).toThrow(InputError);

    await expect(TrackCheckpoints.open(cfgFor(out, { resume: true, link: { gate_px: 4 } }), Promise.resolve('sha256:in'))).rejects.toThrow(/other settings \(link\.gate_px: \(unset\) → 4\)/);
    await expect(TrackCheckpoints.open(cfgFor(out, { resume: true }), Promise.resolve('sha256:other'))).rejects.toThrow(/its SHA-256 differs/);
    await expect(TrackCheckpoints.open(cfgFor(out), Promise.resolve('sha256:in'))).rejects.toThrow(/holds the checkpoint of an interrupted run/);
    // a temporary file left by a kill while writing is removed, the checkpoint kept
    writeFileSync(join(out, CHECKPOINT_DIR, `${CHECKPOINT_FILE}.tmp-12345`), 'half');
    await TrackCheckpoints.open(cfgFor(out, { resume: true }), Promise.resolve('sha256:in'));
    expect(existsSync(join(out, CHECKPOINT_DIR, `${CHECKPOINT_FILE}.tmp-12345`))).toBe(false);
    expect(lastFrame(out)).toBe(6);
  });

  it('resume-neutral keys (report, visuals, force, paths) do not change the compared configuration; others do', () => {
    const a = resumeConfig(cfgFor('/a'));
    expect(resumeConfig(trackConfigSchema.parse({ input: 'elsewhere.mp4', um_per_px: 0.5, plating_edge: 'bottom', out: '/b', report: false, visuals: false, overlay_video: false, force: true, resume: true }))).toEqual(a);
    expect(configDifferences(a, resumeConfig(cfgFor('/a', { register: true, segment: { high_sigma: 5 } })))).toEqual(['register: false → true', 'segment.high_sigma: (unset) → 5']);
  });

  it('the policy defaults to 200 frames / 60 s; the environment can change it; a bad value is a one-line ConfigError', () => {
    expect(checkpointPolicy({})).toEqual({ everyFrames: 200, everySeconds: 60 });
    expect(checkpointPolicy({ LIDTRACK_CHECKPOINT_EVERY_FRAMES: '10', LIDTRACK_CHECKPOINT_EVERY_S: '0.5' })).toEqual({ everyFrames: 10, everySeconds: 0.5 });
    expect(() => checkpointPolicy({ LIDTRACK_CHECKPOINT_EVERY_FRAMES: 'x' })).toThrow(/LIDTRACK_CHECKPOINT_EVERY_FRAMES must be a positive number \(got "x"\)/);
  });
});
