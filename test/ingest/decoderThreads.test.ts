/**
 * ffmpeg's decoder threads (openVideo.ts decoderThreadArgs): one thread on a single core; at
 * least 6 frame threads for frames of 720p and larger on more cores, ffmpeg's own choice for
 * smaller frames; LIDTRACK_DECODE_THREADS overriding. The number of threads must
 * not change a frame or a timestamp (H.264 decoding is bit-exact with any threading).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/core/types.js';
import { openVideo } from '../../src/ingest/index.js';
import { decoderThreadArgs } from '../../src/ingest/openVideo.js';

const saved = process.env.LIDTRACK_DECODE_THREADS;
afterEach(() => {
  if (saved === undefined) delete process.env.LIDTRACK_DECODE_THREADS;
  else process.env.LIDTRACK_DECODE_THREADS = saved;
});

async function decode(path: string, threads: string): Promise<{ data: Uint8Array[]; t: number[] }> {
  process.env.LIDTRACK_DECODE_THREADS = threads;
  const src = await openVideo(path, { maxFrames: 40 });
  const data: Uint8Array[] = [], t: number[] = [];
  for await (const f of src.frames() as AsyncIterable<Frame>) { data.push(Uint8Array.from(f.data)); t.push(f.tS); }
  return { data, t };
}

describe('decoder threads', () => {
  it('one on a single core; at least 6 for 720p and larger frames, cores + 1 beyond, at most 16; ffmpeg\'s choice for small frames; the environment overriding (a non-number is ignored)', () => {
    const p1080 = 1920 * 1080, p720 = 1280 * 720, p480 = 640 * 480;
    expect(decoderThreadArgs(undefined, 2, p1080)).toEqual(['-threads', '6']);
    expect(decoderThreadArgs(undefined, 2, p720)).toEqual(['-threads', '6']);
    expect(decoderThreadArgs(undefined, 2, p480)).toEqual([]);
    expect(decoderThreadArgs(undefined, 1, p1080)).toEqual(['-threads', '1']);
    expect(decoderThreadArgs(undefined, 1, p480)).toEqual(['-threads', '1']);
    expect(decoderThreadArgs(undefined, 8, p1080)).toEqual(['-threads', '9']);
    expect(decoderThreadArgs(undefined, 8, p480)).toEqual([]);
    expect(decoderThreadArgs(undefined, 32, p1080)).toEqual(['-threads', '16']);
    expect(decoderThreadArgs('3', 2, p1080)).toEqual(['-threads', '3']);
    expect(decoderThreadArgs('0', 2, p480)).toEqual(['-threads', '0']);
    expect(decoderThreadArgs('many', 2, p1080)).toEqual(['-threads', '6']);
  });

  it('the same frames and times with one, ffmpeg\'s automatic and 6 threads (H.264 fixture with jittered timestamps)', async () => {
    const one = await decode('fixtures/vfr/video.mp4', '1');
    for (const threads of ['0', '6']) {
      const other = await decode('fixtures/vfr/video.mp4', threads);
      expect(one.data.length).toBe(40);
      expect(other.data.length).toBe(40);
      expect(other.t).toEqual(one.t);
      for (let k = 0; k < one.data.length; k++) expect(Buffer.compare(one.data[k], other.data[k])).toBe(0);
    }
  });
});
