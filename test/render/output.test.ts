import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { resolveFfmpeg } from '../../src/ingest/binaries.js';
import { buildScene } from '../../src/render/buildScene.js';
import { renderFrame } from '../../src/render/renderFrame.js';
import { validateScenario } from '../../src/render/parseScenario.js';
import { renderScenario } from '../../src/render/renderScenario.js';

const root = mkdtempSync(join(tmpdir(), 'lidtrack-render-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tiny = (output: Record<string, unknown>, timing: Record<string, unknown> = { fps: 5, n_frames: 6 }, edge = 'left') =>
  validateScenario({
    seed: 5,
    frame: { width_px: 64, height_px: 48 },
    calibration: { um_per_px: 0.5, plating_edge: edge },
    timing,
    scene: { electrode: { thickness_um: 3 }, dendrites: [{ id: 1, base_um: 12, speed_um_per_s: 4, width0_um: 3 }] },
    optics: { noise_sigma: 3, blur_sigma_px: 1 },
    render: { supersample: 3 },
    output,
  });

const ffprobeJson = (file: string, entries: string): Record<string, unknown> =>
  JSON.parse(execFileSync(resolveFfmpeg().ffprobe.path, ['-v', 'error', '-show_entries', entries, '-of', 'json', file], { encoding: 'utf8' }));

interface TruthDoc {
  frames: Array<{ frame: number; t_s: number }>;
  video: { file: string; n_frames: number; irregular_timestamps: boolean };
}
const readTruth = (dir: string): TruthDoc => JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));

describe('outputs of renderScenario', () => {
  it('VFR MP4: the container carries the true per-frame timestamps (ffprobe ≤ 1 ms), every frame present', async () => {
    const dir = join(root, 'vfr');
    const sc = tiny({ format: 'mp4', crf: 23, preset: 'ultrafast' }, { fps: 10, n_frames: 24, jitter_frac: 0.6, dropped: [{ after_frame: 11, count: 9 }] }, 'bottom');
    await renderScenario(sc, dir);
    const truth = readTruth(dir);
    expect(truth.video.irregular_timestamps).toBe(true);
    const pk = ffprobeJson(join(dir, 'video.mp4'), 'packet=pts_time') as { packets: Array<{ pts_time: string }> };
    const pts = pk.packets.map((p) => Number(p.pts_time)).sort((a, b) => a - b);
    expect(pts).toHaveLength(24);
    pts.forEach((t, i) => expect(Math.abs(t - truth.frames[i].t_s)).toBeLessThanOrEqual(0.001));
    const fr = ffprobeJson(join(dir, 'video.mp4'), 'frame=pkt_pts_time,best_effort_timestamp_time') as { frames: Array<Record<string, string>> };
    expect(fr.frames).toHaveLength(24);
    fr.frames.forEach((f, i) => expect(Math.abs(Number(f.best_effort_timestamp_time ?? f.pkt_pts_time) - truth.frames[i].t_s)).toBeLessThanOrEqual(0.001));
    // time from index/fps would be wrong by the 9 dropped frames: 23 intervals vs 32
    const span = truth.frames[23].t_s - truth.frames[0].t_s;
    expect(span).toBeGreaterThan(3.0);
  });

  it('VFR MKV (H.264 with B-frames): every frame at its true timestamp (ffprobe ≤ 1 ms)', async () => {
    const dir = join(root, 'vfrmkv');
    const sc = tiny({ format: 'mkv', crf: 23, preset: 'ultrafast' }, { fps: 10, n_frames: 16, jitter_frac: 0.8, dropped: [{ after_frame: 5, count: 7 }] }, 'top');
    await renderScenario(sc, dir);
    const truth = readTruth(dir);
    const fr = ffprobeJson(join(dir, 'video.mkv'), 'frame=best_effort_timestamp_time') as { frames: Array<Record<string, string>> };
    expect(fr.frames).toHaveLength(16);
    fr.frames.forEach((f, i) => expect(Math.abs(Number(f.best_effort_timestamp_time) - truth.frames[i].t_s)).toBeLessThanOrEqual(0.001));
  });

  it('16-bit TIFF stack: sharp reads every page at 16 bit with exactly the rendered samples; timestamps.csv', async () => {
    const dir = join(root, 'tiff16');
    const sc = tiny({ format: 'tiff', bit_depth: 16 });
    const res = await renderScenario(sc, dir);
    expect(res.files).toContain('timestamps.csv');
    const file = join(dir, 'video.tif');
    const meta = await sharp(file).metadata();
    expect(meta.pages).toBe(6);
    expect(meta.depth).toBe('ushort');
    expect(meta.width).toBe(64);
    expect(meta.height).toBe(48);
    const scene = buildScene(sc);
    for (const page of [0, 5]) {
      const { data, info } = await sharp(file, { page }).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
      expect(info.channels).toBe(1);
      const got = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
      const want = renderFrame(scene, page, 16);
      expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(want.buffer, want.byteOffset, want.byteLength))).toBe(true);
    }
    const csv = readFileSync(join(dir, 'timestamps.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('frame,t_s');
    expect(csv).toHaveLength(7);
    expect(csv[6]).toBe('5,1');
  });

  it('8-bit PNG sequence and MJPEG AVI: right frame count, depth and codec', async () => {
    const pdir = join(root, 'png');
    await renderScenario(tiny({ format: 'png', bit_depth: 8 }), pdir);
    const pngs = readdirSync(join(pdir, 'video')).sort();
    expect(pngs).toEqual(['frame_000000.png', 'frame_000001.png', 'frame_000002.png', 'frame_000003.png', 'frame_000004.png', 'frame_000005.png']);
    const m = await sharp(join(pdir, 'video', pngs[0])).metadata();
    expect([m.depth, m.channels]).toEqual(['uchar', 1]);

    const adir = join(root, 'avi');
    await renderScenario(tiny({ format: 'avi', mjpeg_q: 4 }, { fps: 5, n_frames: 6 }, 'top'), adir);
    const st = ffprobeJson(join(adir, 'video.avi'), 'stream=codec_name,width,height,r_frame_rate') as { streams: Array<Record<string, unknown>> };
    expect(st.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 64, height: 48, r_frame_rate: '5/1' });
    const pk = ffprobeJson(join(adir, 'video.avi'), 'packet=pts_time') as { packets: unknown[] };
    expect(pk.packets).toHaveLength(6);
  });

  it('deterministic files: two renders give byte-identical MP4 and truth', async () => {
    const sc = tiny({ format: 'mp4', crf: 28, preset: 'ultrafast' }, { fps: 5, n_frames: 6 }, 'right');
    await renderScenario(sc, join(root, 'd1'));
    await renderScenario(sc, join(root, 'd2'));
    for (const f of ['video.mp4', 'truth.json', 'truth_tracks.csv'])
      expect(readFileSync(join(root, 'd1', f)).equals(readFileSync(join(root, 'd2', f)))).toBe(true);
  });
});

describe('lidtrack simulate (CLI)', () => {
  it('renders, refuses to overwrite without --force (exit 2, nothing touched), overwrites with --force', async () => {
    const dir = join(root, 'cli');
    const yml = join(root, 'cli.yaml');
    writeFileSync(
      yml,
      'frame: {width_px: 48, height_px: 32}\ncalibration: {um_per_px: 1, plating_edge: top}\ntiming: {fps: 2, n_frames: 3}\nscene:\n  dendrites: [{id: 1, base_um: 20, speed_um_per_s: 2}]\nrender: {supersample: 2}\noutput: {format: tiff}\n',
    );
    expect(await main(['simulate', yml, '--out', dir, '--quiet'])).toBe(0);
    expect(existsSync(join(dir, 'video.tif'))).toBe(true);
    const before = readFileSync(join(dir, 'truth.json'));
    const errs: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (errs.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['simulate', yml, '--out', dir, '--quiet'])).toBe(2);
      writeFileSync(join(root, 'bad.yaml'), 'frame: {width_px: 48, height_px: 32}\ncalibration: {um_per_px: 1, plating_edge: top}\nopitcs: {}\n');
      expect(await main(['simulate', join(root, 'bad.yaml'), '--out', join(root, 'bad'), '--quiet'])).toBe(2);
    } finally {
      process.stderr.write = orig;
    }
    expect(errs[0]).toMatch(/already holds a simulation.*--force/);
    expect(errs[1]).toMatch(/unknown key "opitcs".*did you mean "optics"/);
    expect(errs.every((e) => e.trim().split('\n').length === 1)).toBe(true);
    expect(readFileSync(join(dir, 'truth.json')).equals(before)).toBe(true);
    expect(existsSync(join(root, 'bad'))).toBe(false);
    expect(await main(['simulate', yml, '--out', dir, '--quiet', '--force', '--format', 'png'])).toBe(0);
    expect(readdirSync(join(dir, 'video'))).toHaveLength(3);
  });
});
