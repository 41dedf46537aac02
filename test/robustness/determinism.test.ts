/**
 * Determinism: the same recording and configuration give byte-identical tracks.csv and
 * summary.json, and a manifest.json that differs only in its start/end times — here across two
 * processes (one run in this process through runTrack, one through the CLI in a fresh Node
 * process), so per-process state (module caches, Map order, OpenCV's heap) cannot hide a difference.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trackConfigFromFlags } from '../../src/cli/commands/track.js';
import { runTrack } from '../../src/pipeline/runTrack.js';

const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-determinism-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const VIDEO = 'fixtures/fig2/video.mp4';
const FILES = ['tracks.csv', 'summary.json', 'manifest.json'] as const;
/**
 * Fields of manifest.json (top level) about the run's machine, not its results: wall-clock times
 * and the process's young generation (the test process's heap is not a fresh CLI's). The only
 * ones allowed to differ.
 */
const MACHINE_FIELD = /^(started_at|finished_at|timing_.*|elapsed_.*|young_generation_mb|process_cpu_s)$/;

function read(dir: string): Record<(typeof FILES)[number], string> {
  return Object.fromEntries(FILES.map((f) => [f, readFileSync(join(dir, f), 'utf8')])) as Record<(typeof FILES)[number], string>;
}

describe('determinism (fixtures/fig2, first 40 frames, report: false)', () => {
  it('runTrack in this process and `lidtrack track` in another give identical tracks.csv, summary.json and manifest.json (but for its times)', async () => {
    const out = join(tmp, 'run');
    // The same configuration both ways: the one the CLI builds from these flags.
    const flags = { umPerPx: '0.5', platingEdge: 'bottom', out, report: false, force: true, maxFrames: '40' }; // 40 of 80 frames: enough for both dendrites
    const r = await runTrack(trackConfigFromFlags(VIDEO, flags), {});
    expect(r.status).toBe('complete');
    expect(r.tracks.length).toBe(2); // the two Fig. 2 dendrites: the runs compare real content
    const a = read(out);

    execFileSync(process.execPath, ['bin/lidtrack.js', 'track', VIDEO, '--um-per-px', '0.5', '--plating-edge', 'bottom', '--out', out, '--no-report', '--force', '--no-progress', '--max-frames', '40'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
    });
    const b = read(out);

    expect(b['tracks.csv']).toBe(a['tracks.csv']);
    expect(b['summary.json']).toBe(a['summary.json']);
    const ma = JSON.parse(a['manifest.json']);
    const mb = JSON.parse(b['manifest.json']);
    expect(Date.parse(ma.started_at)).toBeLessThan(Date.parse(mb.started_at)); // the second run really ran later
    // Same keys in the same order, equal values but for the time fields.
    expect(Object.keys(mb)).toEqual(Object.keys(ma));
    const untimed = (m: Record<string, unknown>) => Object.fromEntries(Object.entries(m).filter(([k]) => !MACHINE_FIELD.test(k)));
    expect(JSON.stringify(untimed(mb), null, 2)).toBe(JSON.stringify(untimed(ma), null, 2));
    expect(Object.keys(untimed(ma)).length).toBeGreaterThanOrEqual(6); // status, command, input (hash), config, versions, outputs, …
  });
});
