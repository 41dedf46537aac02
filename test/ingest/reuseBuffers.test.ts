/**
 * frames({ reuseBuffers: true }) (openVideo): each frame's buffer goes back to the decode thread
 * once the next frame is asked for. Same frames, byte for byte, as fresh buffers; a frame kept
 * past that is visibly gone (detached, length 0) rather than silently overwritten.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/core/types.js';
import { openVideo } from '../../src/ingest/index.js';

const FIXTURE = 'fixtures/branch/video.mkv';

async function hashes(reuse: boolean): Promise<{ h: string[]; kept: Frame[] }> {
  const src = await openVideo(FIXTURE);
  const h: string[] = [];
  const kept: Frame[] = [];
  for await (const f of src.frames({ reuseBuffers: reuse }) as AsyncIterable<Frame>) {
    h.push(createHash('sha256').update(f.data).digest('hex') + ` ${f.index} ${f.tS}`);
    if (f.index < 3) kept.push(f);
  }
  return { h, kept };
}

describe('frames({ reuseBuffers })', () => {
  it('gives the same 80 frames (bytes, index, time) as fresh buffers; a frame kept past the next request is detached', async () => {
    const fresh = await hashes(false);
    const reused = await hashes(true);
    expect(reused.h).toHaveLength(80);
    expect(reused.h).toEqual(fresh.h);
    expect(fresh.kept[0].data.length).toBe(256 * 192);
    expect(reused.kept[0].data.length).toBe(0);
  });
});
