/**
 * Interrupting a run: `lidtrack track` is killed with SIGINT while it is analysing frames.
 * What is left must not look complete: results written so far are marked partial (manifest.json
 * and summary.json status, report.html), no temporary file remains, no ffmpeg is left running;
 * a second SIGINT aborts at once and still leaves nothing that claims to be complete.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../src/ingest/binaries.js';
import { runProcess } from '../../src/ingest/runProcess.js';
import { listFiles, STACK_TRACE } from './cliHarness.js';

const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-interrupt-'));
const LONG = join(tmp, 'long.mp4');
const LONG_FRAMES = 4000;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  // Fig. 2 fifty times over (stream copy, so instant): 4000 frames, ~15 s of analysis at ~250
  // frames/s — a run that is certainly still going when the signal arrives.
  const r = await runProcess(resolveFfmpeg().ffmpeg.path, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-stream_loop', '49', '-i', 'fixtures/fig2/video.mp4', '-c', 'copy', LONG], { timeoutMs: 60_000 });
  expect(r.code, r.stderr).toBe(0);
});

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Child pids of `pid` and their command lines (Linux /proc; children of any of its threads: the decoder is spawned by a worker thread). */
function children(pid: number): Array<{ pid: number; cmd: string }> {
  try {
    const kids = readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      try { return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean); } catch { return []; }
    });
    return kids.map((c) => ({
      pid: Number(c),
      cmd: (() => { try { return readFileSync(`/proc/${c}/cmdline`, 'utf8').split('\0').join(' '); } catch { return ''; } })(),
    }));
  } catch {
    return [];
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); // a zombie is gone
  } catch {
    return false;
  }
};

interface Interrupted {
  code: number | null;
  stdout: string;
  stderr: string;
  decoderPid: number;
}

/**
 * Start a track run on the long recording, wait until its ffmpeg decoder is streaming frames and
 * then `settleMs` more, and send SIGINT `signals` times (50 ms apart) to the lidtrack process —
 * or, with `group`, to its whole process group (ffmpeg included), as a terminal's Ctrl-C does.
 */
async function interruptRun(out: string, signals: number, settleMs: number, group = false): Promise<Interrupted> {
  const p = spawn(process.execPath, ['bin/lidtrack.js', 'track', LONG, '--um-per-px', '0.5', '--plating-edge', 'bottom', '--no-progress', '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: group, // its own process group, so that the group can be signalled
  });
  let stdout = '', stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((res) => p.on('exit', (code) => res(code)));
  let decoderPid = 0;
  const t0 = Date.now();
  while (!decoderPid && Date.now() - t0 < 60_000) {
    decoderPid = children(p.pid!).find((c) => c.cmd.includes('ffmpeg') && c.cmd.includes(LONG))?.pid ?? 0;
    await sleep(20);
  }
  expect(decoderPid, 'the decoder never started').toBeGreaterThan(0);
  await sleep(settleMs);
  for (let k = 0; k < signals; k++) {
    if (k) await sleep(50);
    if (group) process.kill(-p.pid!, 'SIGINT');
    else p.kill('SIGINT');
  }
  const code = await exited;
  return { code, stdout, stderr, decoderPid };
}

/** Every JSON file under `dir` that states a status, with that status. */
function statuses(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of listFiles(dir).filter((x) => x.endsWith('.json'))) {
    const v = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    if (v && typeof v === 'object' && typeof v.status === 'string') out[f] = v.status;
  }
  return out;
}

describe('SIGINT during `lidtrack track`', () => {
  it('first SIGINT: stops after the frame, writes the results so far marked partial, exit 130, no temp files, decoder stopped', async () => {
    const out = join(tmp, 'once');
    const r = await interruptRun(out, 1, 1500);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/SIGINT received: stopping after this frame and marking the results partial/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stdout).toMatch(/PARTIAL: interrupted/);

    const files = listFiles(out);
    expect(files.filter((f) => /\.tmp|~$/.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['tracks.csv', 'summary.json', 'manifest.json']));
    // Nothing claims to be complete.
    const st = statuses(out);
    expect(st['manifest.json']).toBe('partial');
    expect(st['summary.json']).toBe('partial');
    expect(Object.values(st).filter((s) => s === 'complete')).toEqual([]);
    // The tables hold the frames analysed before the signal, and no more.
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const n = summary.video.frames_processed as number;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(LONG_FRAMES);
    const frames = readFileSync(join(out, 'tracks.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
    for (const fr of frames) expect(fr).toBeLessThan(n);
    // The second pass over the recording (key frames, overlay video) is not started for a partial run.
    expect(files.some((f) => f.startsWith('overlay') || f.startsWith('keyframes'))).toBe(false);
    if (files.includes('report.html')) expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/run status: partial/);
    // The decoder does not outlive the run.
    await sleep(500);
    expect(alive(r.decoderPid)).toBe(false);
  });

  it('second SIGINT: exits at once with 130; whatever exists is not marked complete and no temp file remains', async () => {
    const out = join(tmp, 'twice');
    const r = await interruptRun(out, 2, 1000);
    expect(r.code).toBe(130);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    const files = listFiles(out);
    expect(files.filter((f) => /\.tmp/.test(f))).toEqual([]);
    expect(Object.values(statuses(out)).filter((s) => s === 'complete')).toEqual([]);
    if (existsSync(join(out, 'tracks.csv'))) expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    await sleep(500);
    expect(alive(r.decoderPid)).toBe(false);
  });
});
