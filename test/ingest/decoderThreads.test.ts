/**
 * ffmpeg's decoder threads (openVideo.ts decoderThreadArgs): one thread on a single core,
 * ffmpeg's own choice otherwise, LIDTRACK_DECODE_THREADS overriding. The number of threads must
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
  it('one on a single core, ffmpeg\'s choice beyond, the environment overriding (a non-number is ignored)', () => {
    expect(decoderThreadArgs(undefined, 2)).toEqual([]);
    expect(decoderThreadArgs(undefined, 1)).toEqual(['-threads', '1']);
    expect(decoderThreadArgs(undefined, 8)).toEqual([]);
    expect(decoderThreadArgs('3', 2)).toEqual(['-threads', '3']);
    expect(decoderThreadArgs('0', 2)).toEqual(['-threads', '0']);
    expect(decoderThreadArgs('many', 8)).toEqual([]);
  });

  it('the same frames and times with one thread as with ffmpeg\'s automatic threading (H.264 fixture with jittered timestamps)', async () => {
    const one = await decode('fixtures/vfr/video.mp4', '1');
    const auto = await decode('fixtures/vfr/video.mp4', '0');
    expect(one.data.length).toBe(40);
    expect(auto.data.length).toBe(40);
    expect(one.t).toEqual(auto.t);
    for (let k = 0; k < one.data.length; k++) expect(Buffer.compare(one.data[k], auto.data[k])).toBe(0);
  });
});
