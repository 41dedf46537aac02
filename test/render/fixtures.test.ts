/**
 * Golden test of the committed fixtures: every fixtures/<name>/scenario.yaml rendered by
 * `lidtrack simulate` must still yield, from today's code, the truth committed beside it
 * (so trackers are never scored against stale truth), and each fixture stays < 2 MB.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../src/ingest/binaries.js';
import { buildScene } from '../../src/render/buildScene.js';
import { frameTruth } from '../../src/render/groundTruth.js';
import { loadScenario } from '../../src/render/parseScenario.js';

const root = join(import.meta.dirname, '../../fixtures');
const names = ['fig2', 'vfr', 'tiff16', 'mjpeg', 'hard', 'branch', 'ili', 'ili_model'];

const dirSize = (p: string): number => (statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + dirSize(join(p, f)), 0) : statSync(p).size);

describe('committed fixtures', () => {
  for (const name of names) {
    it(`${name}: committed truth.json equals the truth computed now (≤ 1e-9), video present, < 2 MB`, () => {
      const dir = join(root, name);
      const sc = loadScenario(join(dir, 'scenario.yaml'));
      const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as { frames: Array<Record<string, unknown>>; video: { file: string; n_frames: number } };
      const scene = buildScene(sc);
      expect(truth.frames).toHaveLength(scene.clock.timesS.length);
      const close = (a: unknown, b: unknown, path: string): void => {
        if (typeof a === 'number' && typeof b === 'number') {
          if (Math.abs(a - b) > 1e-9) throw new Error(`${name} ${path}: committed ${b}, now ${a}`);
        } else if (Array.isArray(a) && Array.isArray(b)) {
          expect(a.length, path).toBe(b.length);
          a.forEach((x, i) => close(x, b[i], `${path}[${i}]`));
        } else if (a && b && typeof a === 'object' && typeof b === 'object') {
          for (const k of Object.keys(a)) close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
        } else expect(a, path).toEqual(b);
      };
      for (let i = 0; i < truth.frames.length; i++) close(JSON.parse(JSON.stringify(frameTruth(scene, i))), truth.frames[i], `frames[${i}]`);
      const video = join(dir, truth.video.file);
      expect(existsSync(video)).toBe(true);
      expect(dirSize(dir)).toBeLessThan(2 * 1024 * 1024);
      if (/\.(mp4|mkv|avi)$/.test(video)) {
        const out = execFileSync(resolveFfmpeg().ffprobe.path, ['-v', 'error', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', video], { encoding: 'utf8' });
        expect(out.trim().split('\n')).toHaveLength(truth.video.n_frames);
      }
    });
  }
});
