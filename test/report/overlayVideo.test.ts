import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../src/ingest/binaries.js';
import { OverlayVideoWriter } from '../../src/report/OverlayVideoWriter.js';
import { keyFramePanelLayout } from '../../src/report/renderKeyFramePanel.js';
import { INTERFACE_X_PX, UM_PER_PX, syntheticFrame, truthTracks } from './makeRunFolder.js';

const dir = mkdtempSync(join(tmpdir(), 'lidtrack-ovl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('OverlayVideoWriter', () => {
  it('encodes every annotated frame to an H.264 MP4 of the panel size, atomically', async () => {
    const out = join(dir, 'overlay.mp4');
    const roi = { x: 0, y: 10, width: 159, height: 100 }; // odd width: padded to even for yuv420p
    const opts = (tS: number) => ({ umPerPx: UM_PER_PX, tS, scaleBarUm: 20 });
    const w = new OverlayVideoWriter(out, { fps: 2 });
    const tr = truthTracks()[0];
    for (let f = 0; f < 12; f++) {
      const fr = syntheticFrame(f);
      await w.add(fr, { roi, tips: [{ id: 1, x: INTERFACE_X_PX + tr.lengthUm[f] / UM_PER_PX, y: tr.yPx }] }, opts(fr.tS));
      expect(existsSync(out)).toBe(false); // only the temporary file exists while encoding
    }
    expect(await w.close()).toBe(out);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);

    const { ffprobe, ffmpeg } = resolveFfmpeg();
    const probe = spawnSync(ffprobe.path, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', out], { encoding: 'utf8' });
    const s = JSON.parse(probe.stdout).streams[0];
    expect(s).toMatchObject({ codec_name: 'h264', width: 160, height: 100 });
    expect(Number(s.nb_read_frames)).toBe(12);

    // Decode the last frame: the white scale bar is where the layout puts it.
    const dec = spawnSync(ffmpeg.path, ['-v', 'error', '-i', out, '-vf', 'select=eq(n\\,11)', '-vsync', '0', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { maxBuffer: 1 << 24 });
    const gray = dec.stdout as Buffer;
    expect(gray.length).toBe(160 * 100);
    const L = keyFramePanelLayout(roi.width, roi.height, opts(0));
    const y = L.scaleBar.y + Math.floor(L.scaleBar.height / 2);
    expect(gray[y * 160 + L.scaleBar.x + Math.floor(L.scaleBar.width / 2)]).toBeGreaterThan(230);
    expect(gray[y * 160 + L.scaleBar.x - 3]).toBeLessThan(60);
  }, 60_000);

  it('rejects a frame of another size and removes the partial file on abort', async () => {
    const out = join(dir, 'bad.mp4');
    const w = new OverlayVideoWriter(out, { fps: 2 });
    const fr = syntheticFrame(0);
    await w.add(fr, {}, { umPerPx: UM_PER_PX, tS: 0 });
    await expect(w.add(fr, { roi: { x: 0, y: 0, width: 100, height: 100 } }, { umPerPx: UM_PER_PX, tS: 0.5 })).rejects.toThrow(/keep the ROI|overlay frame is 100x100/);
    await w.abort();
    expect(readdirSync(dir).filter((n) => n.startsWith('.bad.mp4') || n === 'bad.mp4')).toEqual([]);
    expect(() => new OverlayVideoWriter(out, { fps: 0 })).toThrow(/fps/);
  }, 60_000);
});
