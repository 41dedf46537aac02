/**
 * The launcher's early ffprobe runs (src/ingest/earlyProcesses.ts, src/cli/earlyStart.ts): a run
 * started early is taken by the first runProcessOrEarly of exactly its command (it does not run
 * twice), a different command runs anew, runs nobody took are killed, and a probe that takes the
 * early runs reads exactly what it reads without them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startEarly, trackedVideo } from '../../src/cli/earlyStart.js';
import { abandonEarlyProcesses, runProcessOrEarly, startEarlyProcess } from '../../src/ingest/earlyProcesses.js';
import { probeVideoStages } from '../../src/ingest/probeVideo.js';
import { ffmpeg, makeTempDir } from './makeInputs.js';

const tmp = makeTempDir('early');
afterAll(() => tmp.cleanup());
afterEach(() => void abandonEarlyProcesses());

/** A command that appends a line to `log` each time it runs and prints `out`. */
function counted(log: string, out: string): string[] {
  return ['-c', `echo run >> '${log}'; echo ${out}`];
}
const runsIn = (log: string) => readFileSync(log, 'utf8').split('\n').filter(Boolean).length;

describe('early processes', () => {
  it('a run started early is taken once by the same command; another command runs anew', async () => {
    const log = join(tmp.dir, 'runs.log');
    writeFileSync(log, '');
    startEarlyProcess('/bin/sh', counted(log, 'A'));
    const a = await runProcessOrEarly('/bin/sh', counted(log, 'A'));
    expect(a.code).toBe(0);
    expect(a.stdout.trim()).toBe('A');
    expect(runsIn(log)).toBe(1); // the early run, not a second one
    // taken: the same command again runs again, and so does a different one
    expect((await runProcessOrEarly('/bin/sh', counted(log, 'A'))).stdout.trim()).toBe('A');
    expect((await runProcessOrEarly('/bin/sh', counted(log, 'B'))).stdout.trim()).toBe('B');
    expect(runsIn(log)).toBe(3);
    expect(abandonEarlyProcesses()).toBe(0);
  });

  it('runs nobody took are killed by abandonEarlyProcesses', async () => {
    const t0 = Date.now();
    startEarlyProcess('/bin/sh', ['-c', 'exec sleep 30']);
    startEarlyProcess('/bin/sh', ['-c', 'exec sleep 31']);
    expect(abandonEarlyProcesses()).toBe(2);
    expect(abandonEarlyProcesses()).toBe(0);
    // (taking one after it was abandoned starts it anew; kill that too)
    const ac = new AbortController();
    const r = runProcessOrEarly('/bin/sh', ['-c', 'exec sleep 32'], { signal: ac.signal });
    ac.abort();
    expect((await r).code).toBeNull();
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('a signal given when the early run is taken kills it', async () => {
    startEarlyProcess('/bin/sh', ['-c', 'exec sleep 30']);
    const ac = new AbortController();
    const t0 = Date.now();
    const r = runProcessOrEarly('/bin/sh', ['-c', 'exec sleep 30'], { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect((await r).code).toBeNull();
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('a binary that cannot start rejects for whoever takes the run (and for nobody else)', async () => {
    startEarlyProcess('/nonexistent/ffprobe', ['-version']);
    await new Promise((r) => setTimeout(r, 50)); // (an unhandled rejection here would fail the run)
    await expect(runProcessOrEarly('/nonexistent/ffprobe', ['-version'])).rejects.toThrow(/ENOENT/);
  });
});

describe('early start of a track command', () => {
  it('names the video of `track VIDEO …` only', async () => {
    const video = join(tmp.dir, 'clip.mp4'), tiff = join(tmp.dir, 'stack.tif');
    writeFileSync(video, 'x');
    writeFileSync(tiff, 'x');
    expect(trackedVideo(['track', video, '--um-per-px', '1'])).toBe(video);
    expect(trackedVideo(['--debug', 'track', video])).toBe(video);
    expect(trackedVideo(['track', '--um-per-px', '1', video])).toBeNull(); // (options first: not parsed here)
    expect(trackedVideo(['track', tiff])).toBeNull();
    expect(trackedVideo(['track', tmp.dir])).toBeNull(); // a folder of images
    expect(trackedVideo(['track', join(tmp.dir, 'missing.mp4')])).toBeNull();
    expect(trackedVideo(['track', video, '--help'])).toBeNull();
    expect(trackedVideo(['run', video])).toBeNull();
    expect(trackedVideo([])).toBeNull();
  });

  it('the probe takes the early runs and reads what it reads without them', async () => {
    const video = join(tmp.dir, 'probe.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=10:duration=2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', video]);
    const plain = await probeVideoStages(video);
    const plainFull = await plain.full;
    expect(startEarly(['track', video, '--um-per-px', '1'])).toBe(3);
    const early = await probeVideoStages(video);
    expect(early.first).toEqual(plain.first);
    expect(await early.full).toEqual(plainFull);
    expect(plainFull.frameCount).toBe(20);
    expect(abandonEarlyProcesses()).toBe(0); // all three were taken
  });
});
