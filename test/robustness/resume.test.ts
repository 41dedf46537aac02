/**
 * `lidtrack track --resume`: an interrupted run continued from its checkpoint gives tracks.csv and
 * summary.json (and inclusions.csv, drift.csv) byte-identical to an uninterrupted run of the same
 * input and configuration, analysing only the frames after the checkpoint; a checkpoint that does
 * not belong to the run is refused with one line and exit 2.
 *
 * The interruption is made deterministic with the test-only LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES
 * (src/cli/interrupt.ts: stops as a first SIGINT does, after K analysed frames); one test kills a
 * separate process with SIGKILL instead, which leaves only the periodic checkpoint.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_DIR, CHECKPOINT_FILE, readCheckpointFile } from '../../src/pipeline/checkpoint.js';
import { listFiles, runCli, snapshot, STACK_TRACE, type CliResult } from './cliHarness.js';

const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-resume-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FIG2 = ['fixtures/fig2/video.mp4', '--um-per-px', '0.5', '--plating-edge', 'bottom'];
const QUIET = ['--no-report', '--no-progress'];

/** `lidtrack track ...` in this process, with extra environment variables for the call. */
async function track(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const old = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await runCli(['track', ...args, ...QUIET]);
  } finally {
    for (const [k, v] of Object.entries(old)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');
const json = (dir: string, f: string) => JSON.parse(read(dir, f));
const ckptFile = (dir: string) => join(dir, CHECKPOINT_DIR, CHECKPOINT_FILE);
const tempFiles = (dir: string) => listFiles(dir).filter((f) => /\.tmp|~$/.test(f));
/** One line on stderr, exit 2, no stack trace. */
function expectUsageError(r: CliResult, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(STACK_TRACE);
}

/** Uninterrupted run of fig2 (80 frames), the reference of every comparison. */
const FULL = join(tmp, 'full');
beforeAll(async () => {
  const r = await track([...FIG2, '--out', FULL]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe('track --resume (fixtures/fig2)', () => {
  it('uninterrupted run: complete, no checkpoint left, no `resumed` in the manifest', () => {
    expect(json(FULL, 'manifest.json').status).toBe('complete');
    expect(json(FULL, 'manifest.json').resumed).toBeUndefined();
    expect(existsSync(join(FULL, CHECKPOINT_DIR))).toBe(false);
    expect(json(FULL, 'summary.json').tracks).toHaveLength(2); // the two Fig. 2 dendrites: real content to compare
  });

  it('interrupted after 30 frames, then --resume: byte-identical tracks.csv and summary.json, only the remaining 50 frames analysed', async () => {
    const out = join(tmp, 'stop30');
    const a = await track([...FIG2, '--out', out], { LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES: '30' });
    expect(a.code, a.stderr).toBe(130);
    expect(a.stdout).toMatch(/^30 frames, .*PARTIAL: interrupted/m);
    // partial results, marked so, and the checkpoint of frame 29 (the 30th), nothing temporary
    expect(json(out, 'manifest.json').status).toBe('partial');
    expect(json(out, 'summary.json').status).toBe('partial');
    expect(json(out, 'summary.json').video.frames_processed).toBe(30);
    expect(tempFiles(out)).toEqual([]);
    const { header } = readCheckpointFile(ckptFile(out));
    expect(header).toMatchObject({ last_frame: 29, frames: 30, input_hash: json(FULL, 'manifest.json').input.hash });

    const b = await track([...FIG2, '--out', out, '--resume']);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/^resumed after frame 29: 30 frames skipped \(decoded only\), 50 analysed$/m);
    expect(b.stdout).toMatch(/^80 frames, 2 dendrite track\(s\)/m);
    expect(read(out, 'tracks.csv')).toBe(read(FULL, 'tracks.csv'));
    expect(read(out, 'summary.json')).toBe(read(FULL, 'summary.json'));
    const m = json(out, 'manifest.json');
    expect(m.status).toBe('complete');
    expect(m.resumed).toMatchObject({ after_frame: 29, frames_skipped: 30, frames_analysed: 50 });
    expect(m.input.hash).toBe(json(FULL, 'manifest.json').input.hash);
    // the checkpoint is gone, and the folder holds what an uninterrupted run's holds
    expect(listFiles(out)).toEqual(listFiles(FULL));
  });

  it('interrupted twice (checkpoints every 10 frames), resumed twice: still byte-identical', async () => {
    const out = join(tmp, 'twice');
    const env = { LIDTRACK_CHECKPOINT_EVERY_FRAMES: '10' };
    expect((await track([...FIG2, '--out', out], { ...env, LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES: '23' })).code).toBe(130);
    expect(readCheckpointFile(ckptFile(out)).header.last_frame).toBe(22);
    const b = await track([...FIG2, '--out', out, '--resume'], { ...env, LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES: '61' });
    expect(b.code, b.stderr).toBe(130);
    expect(b.stdout).toMatch(/resumed after frame 22: 23 frames skipped \(decoded only\), 38 analysed/);
    expect(json(out, 'summary.json').status).toBe('partial');
    expect(json(out, 'summary.json').video.frames_processed).toBe(61);
    expect(readCheckpointFile(ckptFile(out)).header).toMatchObject({ last_frame: 60, frames: 61 });
    const c = await track([...FIG2, '--out', out, '--resume'], env);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/resumed after frame 60: 61 frames skipped \(decoded only\), 19 analysed/);
    expect(read(out, 'tracks.csv')).toBe(read(FULL, 'tracks.csv'));
    expect(read(out, 'summary.json')).toBe(read(FULL, 'summary.json'));
    expect(listFiles(out)).toEqual(listFiles(FULL));
  });

  it('with the tips on the worker thread (frames in flight at each checkpoint and at the stop): interrupted twice, resumed twice: byte-identical to the in-thread run', async () => {
    const out = join(tmp, 'twice-worker');
    const env = { LIDTRACK_CHECKPOINT_EVERY_FRAMES: '10', LIDTRACK_TIP_WORKER: '1' };
    expect((await track([...FIG2, '--out', out], { ...env, LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES: '23' })).code).toBe(130);
    expect(readCheckpointFile(ckptFile(out)).header.last_frame).toBe(22);
    expect(json(out, 'manifest.json').timing_ms_per_frame.tips_worker).toBeGreaterThan(0);
    expect((await track([...FIG2, '--out', out, '--resume'], { ...env, LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES: '61' })).code).toBe(130);
    expect(readCheckpointFile(ckptFile(out)).header).toMatchObject({ last_frame: 60, frames: 61 });
    const c = await track([...FIG2, '--out', out, '--resume'], env);
    expect(c.code, c.stderr).toBe(0);
    expect(read(out, 'tracks.csv')).toBe(read(FULL, 'tracks.csv'));
    expect(read(out, 'summary.json')).toBe(read(FULL, 'summary.json'));
  });

  it('killed with SIGKILL (no partial results written): --resume continues from the last periodic checkpoint', async () => {
    const out = join(tmp, 'killed');
    // The premise is a run killed mid-way. On a loaded machine this poll can be starved until the
    // 80-frame run has finished; then the attempt says nothing, and it is made again (at most 3).
    let seen = -1;
    for (let attempt = 0; attempt < 3; attempt++) {
      rmSync(out, { recursive: true, force: true });
      const p = spawn(process.execPath, ['bin/lidtrack.js', 'track', ...FIG2, '--out', out, ...QUIET], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, LIDTRACK_CHECKPOINT_EVERY_FRAMES: '5' },
      });
      const exited = new Promise<number | null>((res) => p.on('exit', (code) => res(code)));
      // kill as soon as a checkpoint past frame 10 exists (the run has 80 frames)
      const t0 = Date.now();
      seen = -1;
      while (Date.now() - t0 < 60_000 && p.exitCode === null) {
        try {
          seen = readCheckpointFile(ckptFile(out)).header.last_frame;
        } catch {
          seen = -1; // not written yet
        }
        if (seen >= 10) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      const finishedFirst = p.exitCode !== null;
      p.kill('SIGKILL');
      await exited;
      if (!finishedFirst) break;
    }
    expect(seen, 'the run ended before a checkpoint past frame 10 was seen').toBeGreaterThanOrEqual(10);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false); // nothing but the checkpoint
    const { header } = readCheckpointFile(ckptFile(out));
    expect(header.last_frame).toBeLessThan(79);
    // every 5 analysed frames from the first with a reference (index 4, the 5th): 8, 13, 18, …
    expect((header.last_frame - 8) % 5).toBe(0);

    const r = await track([...FIG2, '--out', out, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(json(out, 'manifest.json').resumed).toMatchObject({ after_frame: header.last_frame, frames_skipped: header.frames, frames_analysed: 80 - header.frames });
    expect(read(out, 'tracks.csv')).toBe(read(FULL, 'tracks.csv'));
    expect(read(out, 'summary.json')).toBe(read(FULL, 'summary.json'));
    expect(listFiles(out)).toEqual(listFiles(FULL));
  }, 120_000);

  it('lidtrack run PIPELINE.yaml --resume (track.resume) continues an interrupted pipeline run', async () => {
    const out = join(tmp, 'pipeline');
    const yaml = join(tmp, 'fig2.yaml');
    writeFileSync(yaml, `track:\n  input: ${resolve('fixtures/fig2/video.mp4')}\n  um_per_px: 0.5\n  plating_edge: bottom\n  out: ${out}\n  report: false\n`);
    // uninterrupted, into another folder (summary.json names the input as given: here an absolute path)
    const full = join(tmp, 'pipeline-full');
    expect((await runCli(['run', yaml, '--no-progress', '--out', full])).code).toBe(0);
    process.env.LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES = '40';
    let a: CliResult;
    try {
      a = await runCli(['run', yaml, '--no-progress']);
    } finally {
      delete process.env.LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES;
    }
    expect(a.code, a.stderr).toBe(130);
    const b = await runCli(['run', yaml, '--no-progress', '--resume']);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/resumed after frame 39: 40 frames skipped \(decoded only\), 40 analysed/);
    expect(read(out, 'tracks.csv')).toBe(read(full, 'tracks.csv'));
    expect(read(out, 'summary.json')).toBe(read(full, 'summary.json'));
    expect(read(full, 'tracks.csv')).toBe(read(FULL, 'tracks.csv'));
    expect(json(out, 'manifest.json').config.resume).toBe(true);
  });
});

describe('track --resume with inclusions (fixtures/ili_model, --current) and drift registration (fixtures/hard, --register)', () => {
  const cases = [
    { name: 'ili_model', args: ['fixtures/ili_model/video.mp4', '--um-per-px', '0.5', '--plating-edge', 'left', '--current', 'fixtures/ili_model/current.csv', '--max-frames', '90'], stopAt: 57, files: ['tracks.csv', 'summary.json', 'inclusions.csv', 'current.csv'] },
    { name: 'hard', args: ['fixtures/hard/video.mp4', '--um-per-px', '0.5', '--plating-edge', 'bottom', '--register', '--max-frames', '48'], stopAt: 33, files: ['tracks.csv', 'summary.json', 'drift.csv'] },
  ];
  for (const c of cases) {
    it(`${c.name}: interrupted after ${c.stopAt} frames and resumed = uninterrupted (${c.files.join(', ')} byte-identical)`, async () => {
      const full = join(tmp, `${c.name}-full`), out = join(tmp, `${c.name}-resumed`);
      expect((await track([...c.args, '--out', full])).code).toBe(0);
      const a = await track([...c.args, '--out', out], { LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES: String(c.stopAt) });
      expect(a.code, a.stderr).toBe(130);
      const b = await track([...c.args, '--out', out, '--resume']);
      expect(b.code, b.stderr).toBe(0);
      expect(b.stdout).toMatch(new RegExp(`resumed after frame ${c.stopAt - 1}: ${c.stopAt} frames skipped`));
      for (const f of c.files) expect(read(out, f), f).toBe(read(full, f));
      expect(listFiles(out)).toEqual(listFiles(full));
      // the state that was carried over is real: inclusions tracked, drift measured
      if (c.name === 'ili_model') expect(json(full, 'summary.json').inclusions.length).toBeGreaterThan(0);
      if (c.name === 'hard') expect(json(full, 'summary.json').registration.max_abs_dx_px).toBeGreaterThan(1);
    }, 180_000);
  }
});

describe('track --resume refuses what it cannot continue: one line, exit 2, checkpoint untouched', () => {
  const out = join(tmp, 'refuse');
  beforeAll(async () => {
    expect((await track([...FIG2, '--out', out], { LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES: '20' })).code).toBe(130);
  }, 120_000);

  it('other settings: names the differing key and how to start over', async () => {
    const before = snapshot(out);
    const r = await track(['fixtures/fig2/video.mp4', '--um-per-px', '0.6', '--plating-edge', 'bottom', '--out', out, '--resume']);
    expectUsageError(r, /^lidtrack: .*--resume: the checkpoint in .* was made with other settings \(um_per_px: 0\.5 → 0\.6\).*run without --resume and with --force to start over/);
    expect(snapshot(out)).toEqual(before);
  });

  it('another recording: says the input differs', async () => {
    const before = snapshot(out);
    const r = await track(['fixtures/hard/video.mp4', '--um-per-px', '0.5', '--plating-edge', 'bottom', '--out', out, '--resume']);
    expectUsageError(r, /--resume: fixtures\/hard\/video\.mp4 is not the recording the checkpoint in .* was made from/);
    expect(snapshot(out)).toEqual(before);
  });

  it('a copy of the recording under another name is the same recording (compared by content)', async () => {
    const copy = join(tmp, 'copy.mp4');
    copyFileSync('fixtures/fig2/video.mp4', copy);
    const out2 = join(tmp, 'refuse-copy');
    expect((await track([...FIG2, '--out', out2], { LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES: '20' })).code).toBe(130);
    const r = await track([copy, '--um-per-px', '0.5', '--plating-edge', 'bottom', '--out', out2, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(read(out2, 'tracks.csv')).toBe(read(FULL, 'tracks.csv'));
  });

  it('a damaged checkpoint: says it is unreadable', async () => {
    const out3 = join(tmp, 'damaged');
    expect((await track([...FIG2, '--out', out3], { LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES: '20' })).code).toBe(130);
    const f = ckptFile(out3);
    const buf = readFileSync(f);
    buf[buf.length - 100] ^= 0xff; // one flipped byte in the payload
    writeFileSync(f, buf);
    expectUsageError(await track([...FIG2, '--out', out3, '--resume']), /--resume: the checkpoint .* is unreadable \(payload checksum mismatch\)/);
    truncateSync(f, 1000);
    expectUsageError(await track([...FIG2, '--out', out3, '--resume']), /--resume: the checkpoint .* is unreadable \(.*\)/);
  });

  it('no checkpoint, or a complete run: nothing to resume', async () => {
    expectUsageError(await track([...FIG2, '--out', join(tmp, 'never-ran'), '--resume']), /--resume: .*never-ran holds no checkpoint \(run without --resume and with --force to start over\)/);
    const before = snapshot(FULL);
    expectUsageError(await track([...FIG2, '--out', FULL, '--resume']), /--resume: .* holds a complete run, there is nothing to resume/);
    expect(snapshot(FULL)).toEqual(before);
  });

  it('a fresh run into a folder holding a checkpoint is refused without --force; with --force it starts over and removes it', async () => {
    const out4 = join(tmp, 'fresh');
    expect((await track([...FIG2, '--out', out4], { LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES: '20' })).code).toBe(130);
    const before = snapshot(out4);
    expectUsageError(await track([...FIG2, '--out', out4]), /holds the checkpoint of an interrupted run \(add --resume to continue it, or --force to start over\)/);
    expect(snapshot(out4)).toEqual(before);
    for (const f of ['tracks.csv', 'summary.json', 'manifest.json']) unlinkSync(join(out4, f)); // as after a SIGKILL
    expectUsageError(await track([...FIG2, '--out', out4]), /holds the checkpoint of an interrupted run \(add --resume to continue it, or --force to start over\)/);
    const r = await track([...FIG2, '--out', out4, '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/resumed/);
    expect(existsSync(join(out4, CHECKPOINT_DIR))).toBe(false);
    expect(read(out4, 'tracks.csv')).toBe(read(FULL, 'tracks.csv'));
  });
});
