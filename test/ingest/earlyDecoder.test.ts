/**
 * openVideo's early decoder (OpenVideoOptions.startDecoderEarly): ffmpeg is spawned while the file
 * is probed, with the arguments of a planar-YUV first stream, and the first decode pass reads it
 * when the probe leads to the same arguments. The frames (bytes, index, time) must be those of a
 * decoder started after the probe — also when ffmpeg has logged its time base and its first frames'
 * timestamp lines before the pass starts (those lines are held and handed over, not lost: a lost
 * line was "ffmpeg delivered 1 frame(s) … without a timestamp line", or every time shifted by one
 * frame). A file the guess does not fit (RGB frames) is decoded by a second ffmpeg, the early one
 * stopped; a file the probe rejects stops it too.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/core/types.js';
import { resolveFfmpeg } from '../../src/ingest/binaries.js';
import { writeCachedCapabilities } from '../../src/ingest/capsCache.js';
import { ffmpegCapabilities, storedCapabilities } from '../../src/ingest/ffmpegCapabilities.js';
import { openVideo } from '../../src/ingest/index.js';
import { ffmpeg, makeTempDir } from './makeInputs.js';

const FIXTURE = 'fixtures/branch/video.mkv'; // H.264 yuv420p, stream 0, 80 frames
const digest = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');

async function frames(path: string, early: boolean, waitMs = 0): Promise<{ h: string[]; startedEarly: boolean | undefined }> {
  const src = await openVideo(path, { deferGrayMap: true, startDecoderEarly: early });
  // the early ffmpeg decodes and logs while nothing reads it
  if (waitMs) await new Promise((r) => setTimeout(r, waitMs));
  const h: string[] = [];
  for await (const f of src.frames({ reuseBuffers: true }) as AsyncIterable<Frame>) h.push(`${digest(f.data)} ${f.index} ${f.tS}`);
  return { h, startedEarly: src.lastReport()?.startedEarly };
}

describe('openVideo: ffmpeg started while the file is probed', () => {
  const tmp = makeTempDir('early-decoder');
  let saved: string | undefined;
  beforeAll(async () => {
    // capabilities stored on disk (the early start needs them without asking ffmpeg)
    saved = process.env.LIDTRACK_CACHE_DIR;
    process.env.LIDTRACK_CACHE_DIR = join(tmp.dir, 'cache');
    const bins = resolveFfmpeg();
    writeCachedCapabilities(bins.ffmpeg.path, bins.ffprobe.path, await ffmpegCapabilities());
    expect(storedCapabilities()).not.toBeNull();
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.LIDTRACK_CACHE_DIR;
    else process.env.LIDTRACK_CACHE_DIR = saved;
    tmp.cleanup();
  });

  it('reads the early ffmpeg and gives the same 80 frames, also after it logged its first lines unread', async () => {
    const late = await frames(FIXTURE, false);
    expect(late.h).toHaveLength(80);
    expect(late.startedEarly).toBe(false);
    for (const waitMs of [0, 400]) {
      const early = await frames(FIXTURE, true, waitMs);
      expect(early.startedEarly).toBe(true);
      expect(early.h).toEqual(late.h);
    }
  });

  it('a file the guess does not fit (RGB frames): the early ffmpeg is stopped and a second one decodes it', async () => {
    const rgb = join(tmp.dir, 'rgb.mkv');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=10:duration=1.2', '-c:v', 'ffv1', '-pix_fmt', 'bgr0', rgb]);
    const late = await frames(rgb, false);
    const early = await frames(rgb, true, 200);
    expect(late.h).toHaveLength(12);
    expect(early.startedEarly).toBe(false);
    expect(early.h).toEqual(late.h);
  });

  it('a file the probe rejects: the probe error, as without the early start', async () => {
    const bad = join(tmp.dir, 'not-a-video.mp4');
    await import('node:fs').then((fs) => fs.writeFileSync(bad, 'hello\n'.repeat(100)));
    const without = await openVideo(bad, { deferGrayMap: true }).then(() => 'opened', (e: Error) => e.message);
    const withEarly = await openVideo(bad, { deferGrayMap: true, startDecoderEarly: true }).then(() => 'opened', (e: Error) => e.message);
    expect(without).not.toBe('opened');
    expect(withEarly).toBe(without);
  });
});
