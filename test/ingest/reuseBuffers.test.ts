/**
 * frames({ reuseBuffers: true }) (openVideo): the frames are read in place from a ring of shared
 * slots the decode thread fills (readAhead + 2 slots), each slot handed back once the next frame
 * is asked for. Same frames, byte for byte, as fresh buffers — also for small frames with a queue of
 * one frame, where a pipe read completes several frames and their bytes wait for free slots. A frame
 * kept past the next request is overwritten by a later one (the contract: do not keep it).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/core/types.js';
import { openVideo } from '../../src/ingest/index.js';

const FIXTURE = 'fixtures/branch/video.mkv';

const digest = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');

async function hashes(reuse: boolean, small = false, slowMs = 0): Promise<{ h: string[]; kept: Frame[]; reader?: string }> {
  // small: a 64 × 48 crop (3 KB frames: one pipe read of up to 64 KB completes many) and a queue of one frame
  const src = await openVideo(FIXTURE, small ? { readAheadFrames: 1, roi: { x: 16, y: 16, width: 64, height: 48 } } : {});
  const h: string[] = [];
  const kept: Frame[] = [];
  for await (const f of src.frames({ reuseBuffers: reuse }) as AsyncIterable<Frame>) {
    h.push(digest(f.data) + ` ${f.index} ${f.tS}`);
    if (f.index < 3) kept.push(f);
    if (slowMs && f.index % 10 === 0) await new Promise((r) => setTimeout(r, slowMs)); // the decoder runs ahead and waits
  }
  return { h, kept, reader: src.lastReport()?.reader };
}

describe('frames({ reuseBuffers })', () => {
  it('gives the same 80 frames (bytes, index, time) as fresh buffers, read in place from a shared ring', async () => {
    const fresh = await hashes(false);
    const reused = await hashes(true);
    expect(reused.h).toHaveLength(80);
    expect(reused.h).toEqual(fresh.h);
    expect([reused.reader, fresh.reader]).toEqual(['in-place', 'stream']);
    expect(fresh.kept[0].data.length).toBe(256 * 192);
    // views of one shared ring, consecutive frames in different slots (which frame a slot holds
    // last depends on timing: a kept frame's bytes are not asserted)
    expect(reused.kept[0].data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(reused.kept[1].data.buffer).toBe(reused.kept[0].data.buffer);
    expect(reused.kept[1].data.byteOffset).not.toBe(reused.kept[0].data.byteOffset);
  });

  it('small frames, a queue of one frame and a consumer that pauses: the bytes of frames finding no free slot wait, nothing is lost or reordered', async () => {
    const fresh = await hashes(false, true);
    const reused = await hashes(true, true, 30);
    expect(reused.h).toHaveLength(80);
    expect(reused.h).toEqual(fresh.h);
  });
});
