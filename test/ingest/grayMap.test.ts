/**
 * deferGrayMap (openVideo / openSource): a limited-range video's luma comes as decoded and the
 * consumer maps it to full range with `grayMap`. The mapped frames must be byte for byte what
 * ffmpeg's own `lut` filter delivers without the option (the gray every other command reads);
 * a full-range source needs no map. lidtrack track segments with the deferred map
 * (test/pipeline/* check its outputs against truth).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/core/types.js';
import { openVideo, resolveFfmpeg } from '../../src/ingest/index.js';
import { limitedRangeGrayMap } from '../../src/ingest/grayConversion.js';

const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-graymap-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function frames(path: string, defer: boolean): Promise<{ data: Uint8Array[]; map: Uint8Array | null }> {
  const src = await openVideo(path, { deferGrayMap: defer, maxFrames: 6 });
  const data: Uint8Array[] = [];
  for await (const f of src.frames() as AsyncIterable<Frame>) data.push(Uint8Array.from(f.data));
  return { data, map: src.grayMap };
}

describe('deferred limited → full range gray map', () => {
  it('mapped frames equal the frames ffmpeg maps itself (limited-range H.264 fixture)', async () => {
    const direct = await frames('fixtures/fig2/video.mp4', false);
    const deferred = await frames('fixtures/fig2/video.mp4', true);
    expect(direct.map).toBeNull();
    expect(deferred.map).not.toBeNull();
    expect(deferred.data).toHaveLength(6);
    let differ = 0, changedByMap = 0;
    deferred.data.forEach((raw, k) => {
      for (let i = 0; i < raw.length; i++) {
        if (deferred.map![raw[i]] !== direct.data[k][i]) differ++;
        if (raw[i] !== direct.data[k][i]) changedByMap++;
      }
    });
    expect(differ).toBe(0);
    expect(changedByMap).toBeGreaterThan(1000); // (the map is not the identity on this video)
  });

  it('the table is ffmpeg\'s lut over all 256 levels (0–16 → 0, 235–255 → 255)', () => {
    const { ffmpeg } = resolveFfmpeg();
    const ramp = Buffer.alloc(256 * 2);
    for (let i = 0; i < ramp.length; i++) ramp[i] = i % 256;
    const r = spawnSync(ffmpeg.path, ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', '256x2', '-i', 'pipe:0', '-vf', 'extractplanes=y,lut=c0=floor((val-16)*255/219+0.5)', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { input: ramp });
    expect(r.status).toBe(0);
    expect(Array.from(limitedRangeGrayMap())).toEqual(Array.from(r.stdout.subarray(0, 256)));
    expect(limitedRangeGrayMap()[16]).toBe(0);
    expect(limitedRangeGrayMap()[235]).toBe(255);
    expect(limitedRangeGrayMap()[126]).toBe(128);
  });

  it('a full-range source needs no map', async () => {
    const { ffmpeg } = resolveFfmpeg();
    const out = join(tmp, 'full.mkv');
    const g = spawnSync(ffmpeg.path, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=1', '-pix_fmt', 'yuvj420p', '-c:v', 'mjpeg', out]);
    expect(g.status).toBe(0);
    const deferred = await frames(out, true);
    expect(deferred.map).toBeNull();
    expect(deferred.data.length).toBeGreaterThan(0);
  });
});
