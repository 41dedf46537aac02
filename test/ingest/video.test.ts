import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, VideoDecodeError } from '../../src/core/errors.js';
import type { Frame } from '../../src/core/types.js';
import { openSource, openVideo, probeVideo } from '../../src/ingest/index.js';
import { probeVideoStages } from '../../src/ingest/probeVideo.js';
import { runProcess } from '../../src/ingest/runProcess.js';
import { ffmpeg, ffprobeFrameTimes, makeTempDir, makeVfrVideo, vfrDesignedTimes } from './makeInputs.js';

const tmp = makeTempDir('video');
const f = (name: string) => join(tmp.dir, name);

async function collect(it: AsyncIterable<Frame>): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const fr of it) out.push(fr);
  return out;
}

beforeAll(async () => {
  // Constant 30 fps H.264, non-square 96×64, 45 frames.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=30:duration=1.5', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', f('cfr.mp4')]);
  await makeVfrVideo(f('vfr.mkv'));
  await makeVfrVideo(f('vfr.mp4'), ['-video_track_timescale', '1000']);
  // Horizontal gray ramp 0…255 (value = x), H.264 lossless luma, limited range in the stream.
  await ffmpeg(['-f', 'lavfi', '-i', "color=black:size=256x16:rate=10:duration=0.5,format=gray,geq=lum='X'", '-c:v', 'libx264', '-qp', '0', '-pix_fmt', 'yuv420p', f('ramp.mp4')]);
  // The same ramp as MJPEG in AVI (full-range yuvj420p).
  await ffmpeg(['-f', 'lavfi', '-i', "color=black:size=256x16:rate=10:duration=0.5,format=gray,geq=lum='X'", '-c:v', 'mjpeg', '-q:v', '2', '-pix_fmt', 'yuvj420p', f('ramp.avi')]);
  // RGB source: left half pure red, right half pure green, lossless PNG in Matroska.
  await ffmpeg(['-f', 'lavfi', '-i', "color=black:size=32x8:rate=5:duration=0.4,format=rgb24,geq=r='255*lt(X,16)':g='255*gte(X,16)':b='0'", '-c:v', 'png', f('rgb.mkv')]);
  // Lossless-luma pattern for ROI checks.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=80x60:rate=10:duration=0.5', '-c:v', 'libx264', '-qp', '0', '-pix_fmt', 'yuv420p', f('roi.mp4')]);
  // Longer, larger video for early-break / back-pressure checks (raw 640×480 gray: 300 kB/frame).
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=640x480:rate=25:duration=8', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', f('long.mp4')]);
  // Truncated recordings: index at the front (faststart MP4) and Matroska, cut in half.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=30:duration=4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', f('whole.mp4')]);
  await ffmpeg(['-i', f('whole.mp4'), '-c', 'copy', f('whole.mkv')]);
  for (const ext of ['mp4', 'mkv']) {
    const b = readFileSync(f(`whole.${ext}`));
    writeFileSync(f(`trunc.${ext}`), b.subarray(0, Math.floor(b.length / 2)));
  }
  // Corrupt bytes in the middle of the media data (index intact), and a single-frame video.
  {
    const b = Buffer.from(readFileSync(f('whole.mp4')));
    let seed = 12345;
    for (let i = Math.floor(b.length * 0.4); i < Math.floor(b.length * 0.45); i++) b[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    writeFileSync(f('corrupt.mp4'), b);
  }
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=0.1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', f('one.mp4')]);
  // Raw H.264 elementary stream: no container timestamps.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=25:duration=0.4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'h264', f('raw.h264')]);
  // Bad inputs.
  writeFileSync(f('notes.mp4'), 'these are my lab notes, not a video\n'.repeat(20));
  writeFileSync(f('empty.mp4'), '');
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.5', '-c:a', 'aac', f('audio.m4a')]);
  for (const ext of ['mkv', 'mp4']) await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=1', '-frames:v', '0', '-c:v', 'libx264', f(`zero.${ext}`)]);
}, 120_000);

afterAll(() => tmp.cleanup());

describe('constant-rate video', () => {
  it('probe: H.264, 96×64, 30 fps, 45 frames, regular timestamps', async () => {
    const p = await probeVideo(f('cfr.mp4'));
    expect(p.codec).toBe('h264');
    expect([p.width, p.height]).toEqual([96, 64]);
    expect(p.nominalFps).toBeCloseTo(30, 9);
    expect(p.frameCount).toBe(45);
    expect(p.durationS).toBeCloseTo(1.5, 3);
    expect(p.irregularTimestamps).toBe(false);
    expect(p.bitDepth).toBe(8);
  });

  it('decodes every frame with tS = k/30 s (±1e-6) and gray8 of the right size', async () => {
    const src = await openSource(f('cfr.mp4'));
    expect(src.timestampSource).toBe('container');
    const frames = await collect(src.frames());
    expect(frames).toHaveLength(45);
    frames.forEach((fr, k) => {
      expect(fr.index).toBe(k);
      expect(Math.abs(fr.tS - k / 30)).toBeLessThan(1e-6);
      expect(fr.data.length).toBe(96 * 64);
      expect([fr.width, fr.height]).toEqual([96, 64]);
    });
    const r = src.lastReport();
    expect(r?.endedEarly).toBe(false);
    expect(r?.framesDecoded).toBe(45);
    expect(r?.finished).toBe(true);
  });

  it('--fps is ignored (with a warning) when the container has timestamps', async () => {
    const src = await openSource(f('cfr.mp4'), { fps: 5, maxFrames: 10 });
    expect(src.warnings.join(' ')).toMatch(/--fps 5 ignored/);
    const frames = await collect(src.frames());
    expect(frames).toHaveLength(10);
    expect(frames[9].tS).toBeCloseTo(9 / 30, 6);
  });
});

describe('timestamps CSV on a video (acquisition log overrides the container)', () => {
  it('45 rows: tS from the CSV, with a warning', async () => {
    const times = Array.from({ length: 45 }, (_, k) => 10 + 2 * k + (k % 2) * 0.25);
    writeFileSync(f('cfr-times.csv'), 'frame,t_s\n' + times.map((t, k) => `${k},${t}`).join('\n'));
    const src = await openSource(f('cfr.mp4'), { timestampsCsv: f('cfr-times.csv') });
    expect(src.timestampSource).toBe('timestamps-csv');
    expect(src.warnings.join(' ')).toMatch(/timestamps CSV/);
    expect((await collect(src.frames())).map((x) => x.tS)).toEqual(times);
  });
  it('10 rows for 45 frames → InputError before decoding', async () => {
    writeFileSync(f('cfr-few.csv'), 'frame,t_s\n' + Array.from({ length: 10 }, (_, k) => `${k},${k}`).join('\n'));
    await expect(openSource(f('cfr.mp4'), { timestampsCsv: f('cfr-few.csv') })).rejects.toThrow(/timestamps CSV has 10 rows but .*cfr\.mp4 has 45 frames/);
  });
});

describe('variable frame rate: true container timestamps, not index/fps', () => {
  for (const name of ['vfr.mkv', 'vfr.mp4']) {
    it(`${name}: probe flags irregular timestamps and the gap`, async () => {
      const p = await probeVideo(f(name));
      expect(p.irregularTimestamps).toBe(true);
      expect(p.timestampCheck?.gaps).toBeGreaterThanOrEqual(1);
      expect(p.timestampCheck?.maxIntervalS).toBeCloseTo(0.6, 2);
    });

    it(`${name}: tS equals the container pts (ffprobe) and the designed times`, async () => {
      const src = await openVideo(f(name));
      const frames = await collect(src.frames());
      const probeTimes = await ffprobeFrameTimes(f(name));
      const designed = vfrDesignedTimes();
      // MP4 drops the last frame (edit list); all the others must be there, in order.
      expect(frames.length).toBeGreaterThanOrEqual(designed.length - 1);
      expect(frames.length).toBe(probeTimes.length);
      const fps = src.info.nominalFps as number;
      let maxIndexFpsError = 0;
      frames.forEach((fr, k) => {
        expect(Math.abs(fr.tS - (probeTimes[k] - probeTimes[0]))).toBeLessThan(1e-6);
        expect(Math.abs(fr.tS - designed[k])).toBeLessThan(1.5e-3); // ms time base + B-frame rounding
        maxIndexFpsError = Math.max(maxIndexFpsError, Math.abs(k / fps - designed[k]));
      });
      // Guard: index/(nominal fps) would be off by > 0.25 s (≫ the 1.5 ms tolerance), so the
      // assertions above fail if time were taken as index/fps.
      expect(maxIndexFpsError).toBeGreaterThan(0.25);
      expect(src.lastReport()?.endedEarly).toBe(false);
    });
  }
});

describe('gray conversion', () => {
  it('a 0…255 gray ramp in limited-range H.264 comes back as 0…255 (±1)', async () => {
    const src = await openSource(f('ramp.mp4'), { maxFrames: 1 });
    expect(src.info.grayConversion).toMatch(/limited range.*\(Y' − 16\)·255\/219/);
    const [fr] = await collect(src.frames());
    for (let y = 0; y < 16; y++) for (let x = 0; x < 256; x++) expect(Math.abs(fr.data[y * 256 + x] - x)).toBeLessThanOrEqual(1);
  });

  it('the ramp in full-range MJPEG/AVI comes back within ±3 (JPEG loss)', async () => {
    const src = await openSource(f('ramp.avi'), { maxFrames: 1 });
    expect(src.info.format).toBe('avi');
    expect(src.info.grayConversion).toMatch(/full range/);
    const [fr] = await collect(src.frames());
    let worst = 0;
    for (let x = 0; x < 256; x++) worst = Math.max(worst, Math.abs(fr.data[8 * 256 + x] - x));
    expect(worst).toBeLessThanOrEqual(3);
  });

  it('RGB sources use BT.601 luma: pure red → 76, pure green → 150 (±1)', async () => {
    const src = await openSource(f('rgb.mkv'), { maxFrames: 1 });
    expect(src.info.grayConversion).toMatch(/0\.299 R \+ 0\.587 G \+ 0\.114 B/);
    const [fr] = await collect(src.frames());
    expect(Math.abs(fr.data[4 * 32 + 5] - 0.299 * 255)).toBeLessThanOrEqual(1);
    expect(Math.abs(fr.data[4 * 32 + 25] - 0.587 * 255)).toBeLessThanOrEqual(1);
  });
});

describe('ROI', () => {
  it('crops exactly (odd offsets, no chroma rounding): equals the same rectangle of the full frame', async () => {
    const roi = { x: 3, y: 5, width: 21, height: 11 };
    const full = await collect((await openSource(f('roi.mp4'))).frames());
    const src = await openSource(f('roi.mp4'), { roi });
    expect([src.info.width, src.info.height]).toEqual([21, 11]);
    const cropped = await collect(src.frames());
    expect(cropped).toHaveLength(full.length);
    cropped.forEach((c, k) => {
      expect(c.tS).toBe(full[k].tS);
      for (let y = 0; y < roi.height; y++)
        for (let x = 0; x < roi.width; x++) expect(c.data[y * roi.width + x]).toBe(full[k].data[(y + roi.y) * 80 + x + roi.x]);
    });
  });

  it('an ROI outside the frame is an InputError naming --roi and the frame size', async () => {
    await expect(openSource(f('roi.mp4'), { roi: { x: 70, y: 0, width: 20, height: 10 } })).rejects.toThrow(/--roi 70,0,20,10 .*80×60/);
    await expect(openSource(f('roi.mp4'), { roi: { x: 70, y: 0, width: 20, height: 10 } })).rejects.toBeInstanceOf(InputError);
  });
});

/** PIDs of processes whose command line mentions `needle` (Linux /proc). */
function pidsWith(needle: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle)) out.push(Number(d));
    } catch {
      /* process ended meanwhile */
    }
  }
  return out;
}

describe('streaming', () => {
  it('back-pressure: a slow consumer keeps at most readAheadFrames decoded frames queued', async () => {
    const src = await openSource(f('long.mp4'), { readAheadFrames: 3 });
    let n = 0;
    for await (const fr of src.frames()) {
      if (n === 0) await new Promise((r) => setTimeout(r, 400)); // ffmpeg would run far ahead without back-pressure
      n++;
      void fr;
    }
    expect(n).toBe(200);
    const r = src.lastReport();
    expect(r?.maxBufferedFrames).toBeGreaterThanOrEqual(1);
    expect(r?.maxBufferedFrames).toBeLessThanOrEqual(4);
  });

  for (const reuseBuffers of [false, true]) it(`breaking out early kills ffmpeg and leaves no process (not even a zombie)${reuseBuffers ? ', frames read in place' : ''}`, async () => {
    const src = await openSource(f('long.mp4'));
    const seen = new Set<number>();
    let n = 0;
    for await (const fr of src.frames({ reuseBuffers })) {
      void fr;
      for (const p of pidsWith(f('long.mp4'))) if (p !== process.pid) seen.add(p);
      if (++n === 3) break;
    }
    expect(seen.size).toBeGreaterThanOrEqual(1); // the decoder was running while we iterated
    for (const p of seen) expect(() => readFileSync(`/proc/${p}/stat`)).toThrow(); // gone and reaped
    const r = src.lastReport();
    expect(r?.stoppedByConsumer).toBe(true);
    expect(r?.framesDecoded).toBe(3);
    expect(r?.finished).toBe(true);
    expect(r?.reader).toBe(reuseBuffers ? 'in-place' : 'stream');
  });

  it('a source can be iterated twice (each pass is a new decode)', async () => {
    const src = await openSource(f('cfr.mp4'), { maxFrames: 5 });
    const a = await collect(src.frames());
    const b = await collect(src.frames());
    expect(b.map((x) => x.tS)).toEqual(a.map((x) => x.tS));
    expect(Buffer.from(b[4].data).equals(Buffer.from(a[4].data))).toBe(true);
  });
});

describe('the probe in two stages (probeVideoStages): decoding does not wait for the packet scan', () => {
  it('a Matroska file (no frame count in its header): open and decode at once; the count, the timestamp check and the decode report come with the scan, equal to probeVideo', async () => {
    const path = f('whole.mkv');
    const { first, full } = await probeVideoStages(path);
    expect(first.frameCount).toBeNull(); // 120 packets > FIRST_PACKETS, none counted in the header
    expect(first.timestampCheck?.complete).toBe(false);
    expect(await full).toEqual(await probeVideo(path));
    const src = await openVideo(path);
    expect(src.info.width).toBe(160);
    const frames = await collect(src.frames());
    await src.settled!();
    expect(frames).toHaveLength(120);
    const { width: _w, height: _h, ...info } = src.info;
    const { width: _pw, height: _ph, ...probed } = await probeVideo(path);
    expect(info).toEqual(probed);
    expect(src.info.frameCount).toBe(120);
    expect(src.info.frameCountSource).toBe('packets');
    expect(src.lastReport()!.expectedFrames).toBe(120);
    expect(src.lastReport()!.endedEarly).toBe(false);
  });

  it('stopScan ends the scan at once (an interrupted run does not wait for it): the process is killed, its result incomplete', async () => {
    const ac = new AbortController();
    const t0 = performance.now();
    const running = runProcess('sleep', ['20'], { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const r = await running;
    expect(r.code).toBeNull();
    expect(performance.now() - t0).toBeLessThan(5000);
    const already = new AbortController();
    already.abort();
    expect((await runProcess('sleep', ['20'], { signal: already.signal })).code).toBeNull();
    const stages = await probeVideoStages(f('long.mp4'));
    stages.stopScan();
    const full = await stages.full; // (killed, or done before the kill: either way it returns)
    expect(full.frameCount).toBe(200); // the header's count
  });

  it('a file of fewer packets than the first stage reads: both stages are the same result', async () => {
    const { first, full } = await probeVideoStages(f('cfr.mp4'));
    expect(first.frameCount).toBe(45);
    expect(await full).toBe(first);
    expect(first.timestampCheck?.complete).toBe(true);
  });
});

describe('damaged and unusual inputs', () => {
  for (const ext of ['mp4', 'mkv']) for (const reuseBuffers of [false, true]) {
    it(`truncated ${ext}: keeps every decodable frame, ends cleanly and says where it ended${reuseBuffers ? ' (frames read in place)' : ''}`, async () => {
      const src = await openSource(f(`trunc.${ext}`));
      const frames: Array<{ tS: number }> = [];
      for await (const fr of src.frames({ reuseBuffers })) frames.push({ tS: fr.tS });
      expect(frames.length).toBeGreaterThan(10);
      expect(frames.length).toBeLessThan(120);
      frames.forEach((fr, k) => expect(Math.abs(fr.tS - k / 30)).toBeLessThan(1.5e-3));
      const r = src.lastReport();
      expect(r?.endedEarly).toBe(true);
      expect(r?.endReason).toMatch(new RegExp(`frame #${frames.length - 1} `));
      expect(r?.lastTS).toBe(frames[frames.length - 1].tS);
    });
  }

  it('corrupt frames mid-stream: decoding goes on to the end, the decoder errors are counted and kept', async () => {
    const src = await openSource(f('corrupt.mp4'));
    const frames = await collect(src.frames());
    const r = src.lastReport();
    expect(r?.decodeWarningCount).toBeGreaterThan(0);
    expect(r?.decodeWarnings.length).toBeGreaterThan(0);
    expect(r?.decodeWarnings.every((w) => !w.includes('\n') && !/0x[0-9a-f]{6,}\]/.test(w))).toBe(true);
    expect(frames.length).toBeGreaterThanOrEqual(110); // damaged frames are concealed, not lost
    expect(frames[frames.length - 1].tS).toBeGreaterThan(3.6);
  });

  it('a single-frame video gives one frame at t = 0', async () => {
    const frames = await collect((await openSource(f('one.mp4'))).frames());
    expect(frames.map((x) => x.tS)).toEqual([0]);
  });

  it('probe flags the truncated Matroska file (packets end 2.5 s before the stated 4 s), not the whole one', async () => {
    expect((await probeVideo(f('trunc.mkv'))).possiblyTruncated).toBe(true);
    expect((await probeVideo(f('whole.mkv'))).possiblyTruncated).toBe(false);
    expect((await probeVideo(f('vfr.mkv'))).possiblyTruncated).toBe(false);
  });

  it('the whole (untruncated) file is not reported as ended early', async () => {
    const src = await openSource(f('whole.mkv'));
    const frames = await collect(src.frames());
    expect(frames).toHaveLength(120);
    expect(src.lastReport()?.endedEarly).toBe(false);
  });

  it('a raw H.264 stream has no timestamps: --fps sets them, and is said so', async () => {
    const p = await probeVideo(f('raw.h264'));
    expect(p.hasTimestamps).toBe(false);
    const src = await openSource(f('raw.h264'), { fps: 2 });
    expect(src.timestampSource).toBe('fps');
    const frames = await collect(src.frames());
    expect(frames).toHaveLength(10);
    frames.forEach((fr, k) => expect(fr.tS).toBeCloseTo(k / 2, 12));
    const noFps = await openSource(f('raw.h264'));
    expect(noFps.timestampSource).toBe('nominal-rate');
    expect(noFps.warnings.join(' ')).toMatch(/pass --fps/);
  });

  it('missing file → InputError naming it', async () => {
    await expect(openSource(f('nope.mp4'))).rejects.toThrow(InputError);
    await expect(openSource(f('nope.mp4'))).rejects.toThrow(/nope\.mp4/);
  });

  it('a text file renamed .mp4 → VideoDecodeError naming it', async () => {
    const e = await openSource(f('notes.mp4')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VideoDecodeError);
    expect((e as VideoDecodeError).message).toMatch(/notes\.mp4 is not a (readable )?video/);
    expect((e as VideoDecodeError).message).not.toMatch(/\n/);
  });

  it('zero-frame files → VideoDecodeError naming the file', async () => {
    await expect(openSource(f('zero.mkv'))).rejects.toThrow(/zero\.mkv has no frames/);
    await expect(openSource(f('zero.mp4'))).rejects.toThrow(/zero\.mp4 has no (frames|video stream)/);
    await expect(openSource(f('zero.mp4'))).rejects.toBeInstanceOf(VideoDecodeError);
  });

  it('an empty file → VideoDecodeError "empty"', async () => {
    await expect(openSource(f('empty.mp4'))).rejects.toThrow(/empty\.mp4 is empty/);
  });

  it('an audio-only file → VideoDecodeError "no video stream (found: audio aac)"', async () => {
    const e = await openSource(f('audio.m4a')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VideoDecodeError);
    expect((e as Error).message).toMatch(/audio\.m4a has no video stream \(found: audio aac\)/);
  });
});
