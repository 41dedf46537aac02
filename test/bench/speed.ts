/**
 * Speed benchmark (issue 7 part 6), all figures from one run on the same generated files:
 *   - ffmpeg decode-only frames/s (`ffmpeg -i F -f null -`), with the ffmpeg lidtrack resolves
 *     (src/ingest/binaries.ts) and the system one if present;
 *   - the native reference (Python + OpenCV, /work/shared/bench/ref_cv2.py) frames/s;
 *   - `lidtrack track` end-to-end frames/s (process start to exit) and peak RSS (VmHWM of the
 *     node process, polled from /proc);
 *   - ratios lidtrack ÷ ffmpeg decode and lidtrack ÷ native script;
 *   - lidtrack's reader alone (`lidtrack probe F --decode`: the same ffmpeg command, gray plane,
 *     pipe and frame ring as track, no analysis), frames/s from opening the file to the last
 *     frame: the ceiling of any analysis on this reader, as a ratio to decode-only;
 *   - the CPU budget of the ≥ 0.5× decode target: how much CPU per frame the two cores can give at
 *     that rate, what lidtrack's ffmpeg child takes of it (the run's CPU minus lidtrack's own
 *     threads', manifest.json process_cpu_s), what that leaves for the analysis, and what the
 *     analysis takes — lidtrack's and the native script's (its own CPU, its ffmpeg child excluded);
 *   - peak RSS of a 10-minute vs a 1-minute 1080p recording (looped from the generated scene so
 *     it has growing cracks throughout: its tracks accumulate as a real recording's do; at
 *     320 × 180, the default before, the scene's cracks are not detected at all, so that test
 *     held no tracks). Making the 10-minute file takes a few minutes once; it is then reused.
 * Each `lidtrack track` run has a time budget: at the budget it gets SIGINT, stops after the
 * current frame and reports how many frames it did (frames/s stays exact; the row is marked).
 *
 *   node --import tsx test/bench/speed.ts [--frames 250] [--sizes 720,1080] [--budget-s 240]
 *        [--mem-size 1920x1080] [--mem-budget-s 600 (the 10-min run)] [--mem-repeat 3] [--no-mem] [--dir /tmp/lidtrack-bench]
 * Videos: /work/shared/bench/gen_video.py (needs /usr/bin/python3 with cv2 and a system
 * ffmpeg: `apt-get install -y python3-opencv ffmpeg`, benchmark only), cached per frame count.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { medianInPlace } from '../../src/core/quantile.js';
import { resolveFfmpeg } from '../../src/ingest/binaries.js';
import { LUMA_ONLY_DECODE } from '../../src/ingest/grayConversion.js';
import { decoderThreadArgs } from '../../src/ingest/openVideo.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/lidtrack.js');
const SHARED = process.env.LIDTRACK_SHARED_BENCH ?? '/work/shared/bench';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}
const FRAMES = Number(arg('--frames', '250'));
const SIZES = arg('--sizes', '720,1080').split(',');
const BUDGET_S = Number(arg('--budget-s', '240'));
const MEM_SIZE = arg('--mem-size', '1920x1080');
const MEM_BUDGET_S = Number(arg('--mem-budget-s', '600'));
/** Runs of each recording for the memory check (interleaved): a run's peak RSS varies by ±5 % (when V8 enlarges its young generation, the C heap's layout). */
const MEM_REPEAT = Math.max(1, Number(arg('--mem-repeat', '3')));
const DO_MEM = !process.argv.includes('--no-mem');
const DIR = arg('--dir', process.env.LIDTRACK_BENCH_DIR ?? join(tmpdir(), 'lidtrack-bench'));
/**
 * Rounds per file: decode, native, lidtrack, decode again, … The fastest run of each program is
 * reported, and per round lidtrack's rate over that of the decode-only runs just before and just
 * after it (the paired ratio: both under the same load), whose median is reported beside it.
 */
const REPEAT = Math.max(1, Number(arg('--repeat', '5')));

const which = (b: string): string | null => {
  const r = spawnSync('sh', ['-c', `command -v ${b}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
};

interface Timed {
  wallS: number; code: number | null; stdout: string; stderr: string; peakRssMb: number | null;
  /** RSS of the measured process (the wrapper's child when wrapped) every 100 ms: [s since start, MB]. */
  rssSeries: Array<[number, number]>;
}

/** Run a command, poll /proc/<pid>/status VmHWM (peak RSS of that process), optional SIGINT at a budget. */
function timed(cmd: string, args: string[], budgetS = Infinity): Promise<Timed & { interrupted: boolean }> {
  return new Promise((res) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', hwmKb = 0, interrupted = false;
    const rssSeries: Array<[number, number]> = [];
    p.stdout.on('data', (b) => (out += b));
    p.stderr.on('data', (b) => (err += b));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'));
        if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
        // the process itself, or the one a wrapper (GNU time) runs
        let pid = p.pid!;
        try {
          const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
          if (kids.length) pid = Number(kids[0]);
        } catch { /* none */ }
        const r = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (r) rssSeries.push([(performance.now() - t0) / 1000, Number(r[1]) / 1024]);
      } catch { /* exited */ }
    }, 100);
    const timer = Number.isFinite(budgetS)
      ? setTimeout(() => {
        interrupted = true;
        p.kill('SIGINT');
        // (a wrapper such as GNU time ignores SIGINT: its children get it too)
        try {
          for (const c of readFileSync(`/proc/${p.pid}/task/${p.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) process.kill(Number(c), 'SIGINT');
        } catch { /* gone */ }
      }, budgetS * 1000)
      : null;
    p.on('close', (code) => {
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      res({ wallS: (performance.now() - t0) / 1000, code, stdout: out, stderr: err, peakRssMb: hwmKb ? hwmKb / 1024 : null, rssSeries, interrupted });
    });
  });
}

function frameCount(ffprobe: string, file: string): number {
  const r = spawnSync(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

/** GNU time, when installed: CPU seconds (user + system, children included — ffmpeg) and peak RSS of a run. */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const CPU_TAG = 'LIDTRACK_BENCH_RUSAGE';

/**
 * A command under GNU time when installed (timed's budget): its CPU seconds (user + system,
 * children included) and its peak RSS from GNU time (the polled VmHWM would be GNU time's own).
 */
async function cpuTimed(cmd: string, args: string[], budgetS?: number): Promise<Awaited<ReturnType<typeof timed>> & { cpuS: number | null }> {
  if (!GNU_TIME) return { ...(await timed(cmd, args, budgetS)), cpuS: null };
  const r = await timed(GNU_TIME, ['-f', `${CPU_TAG} %U %S %M`, cmd, ...args], budgetS);
  const ru = new RegExp(`^${CPU_TAG} ([\\d.]+) ([\\d.]+) (\\d+)$`, 'm').exec(r.stderr);
  if (!ru) return { ...r, cpuS: null };
  return { ...r, cpuS: Number(ru[1]) + Number(ru[2]), peakRssMb: Number(ru[3]) / 1024 };
}

/** Pixels of a frame of the generated `crack_<size>p.mp4` (16:9). */
function framePixels(size: number): number {
  return Math.round((size * 16) / 9) * size;
}

/** `lidtrack probe FILE --decode --json`: lidtrack's reader alone (open → last frame) [frames/s], null when it failed. */
async function readerRun(file: string): Promise<number | null> {
  const r = await timed(process.execPath, [BIN, 'probe', file, '--decode', '--json']);
  try {
    const d = (JSON.parse(r.stdout) as { decode?: { frames: number; framesPerS: number } }).decode;
    return d && d.frames > 0 ? d.framesPerS : null;
  } catch {
    return null;
  }
}

async function lidtrackRun(file: string, out: string, budgetS: number) {
  const args = [BIN, 'track', file, '--um-per-px', '1', '--plating-edge', 'top', '--out', out, '--no-report', '--force', '--no-progress'];
  const r = await cpuTimed(process.execPath, args, budgetS);
  const cpuS = r.cpuS;
  const m = /^(\d+) frames, (\d+) dendrite/m.exec(r.stdout);
  if (!m) throw new Error(`lidtrack track failed on ${file} (exit ${r.code}): ${r.stderr.trim().split('\n').pop()}`);
  const frames = Number(m[1]);
  // Per-stage wall time [ms/frame], from manifest.json (timing_ms_per_frame) when the tracker writes it.
  // and the main thread's young generation at the end of the frames (16 MB while capped)
  let stages: Record<string, number> | null = null, youngMb: number | null = null, ownCpuS: number | null = null;
  for (const f of ['manifest.json', 'summary.json']) {
    try {
      const j = JSON.parse(readFileSync(join(out, f), 'utf8')) as Record<string, unknown>;
      const t = j.timing_ms_per_frame as Record<string, number> | undefined;
      if (t && typeof t === 'object') {
        stages = t;
        youngMb = typeof j.young_generation_mb === 'number' ? j.young_generation_mb : null;
        ownCpuS = typeof j.process_cpu_s === 'number' ? j.process_cpu_s : null;
        break;
      }
    } catch { /* not written */ }
  }
  return { ...r, frames, fps: frames / r.wallS, tracks: Number(m[2]), stages, youngMb, cpuS, ownCpuS };
}


/** Linux PSI: "some" avg300 of /proc/pressure/cpu [%], null where not available. */
function cpuPressure(): number | null {
  try {
    const m = /^some avg10=[\d.]+ avg60=[\d.]+ avg300=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const fmt = (x: number | null | undefined, d = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));

function table(head: string[], rows: string[][]): void {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (c: string[]) => '| ' + c.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + w.map((x, i) => (i === 0 ? ':' + '-'.repeat(x + 1) : '-'.repeat(x + 1) + ':')).join('|') + '|');
  for (const r of rows) console.log(line(r));
}

/**
 * One row of the CPU budget of the ≥ 0.5× decode target (issue 7): the budget from the decode-only
 * rate, what lidtrack's ffmpeg child takes of it, what is left for the analysis, and what the
 * analysis takes [ms/frame].
 */
function budgetRow(size: string, n: number, decFps: number, decCpuS: number | null, lt: { totalS: number; ownS: number } | null, ltFps: number, refOwnMs: number | null): string[] {
  const budget = (2 * 2 * 1000) / decFps;
  const ff = lt ? (1000 * (lt.totalS - lt.ownS)) / n : null, own = lt ? (1000 * lt.ownS) / n : null;
  const left = ff === null ? null : budget - ff;
  return [size, fmt(decCpuS === null ? null : (1000 * decCpuS) / n, 2), fmt(budget, 2), fmt(ff, 2), fmt(left, 2), fmt(own, 2), fmt(own !== null && left !== null ? own / left : null, 2), fmt(refOwnMs, 2), fmt(ltFps / (0.5 * decFps), 3)];
}

async function main(): Promise<void> {
  const bundled = resolveFfmpeg();
  const sysFfmpeg = which('ffmpeg');
  const py = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : null;
  const hasCv2 = py !== null && spawnSync(py, ['-c', 'import cv2'], { encoding: 'utf8' }).status === 0;
  if (!hasCv2 || !sysFfmpeg) {
    console.log('speed benchmark needs /usr/bin/python3 with cv2 and a system ffmpeg for the generated videos and the native reference:');
    console.log('  apt-get install -y python3-opencv ffmpeg     (benchmark only)');
    console.log('SUMMARY speed: not run (python3-opencv / ffmpeg missing)');
    process.exitCode = 1;
    return;
  }
  const vids = join(DIR, `videos-f${FRAMES}`);
  mkdirSync(vids, { recursive: true });
  if (!SIZES.every((s) => existsSync(join(vids, `crack_${s}p.mp4`)))) {
    console.log(`generating ${FRAMES}-frame 1280×720 and 1920×1080 H.264 videos with gen_video.py → ${vids} (cached for later runs)…`);
    const g = spawnSync(py!, [join(SHARED, 'gen_video.py'), '--out', vids, '--frames', String(FRAMES)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (g.status !== 0) throw new Error(`gen_video.py failed: ${g.stderr}`);
  }
  // what `npm ci` installs: the bundle (bin/lidtrack.js runs the TypeScript sources through tsx,
  // with a slower start, when a source is newer than it — as after an edit in a work tree)
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { encoding: 'utf8' });
  const pressureAtStart = cpuPressure();
  console.log(`ffmpeg (lidtrack's): ${bundled.ffmpeg.path}${sysFfmpeg ? `; system: ${sysFfmpeg}` : ''}; node ${process.version}; lidtrack ${build.status === 0 ? 'from its bundle (rebuilt)' : 'from the sources (the bundle did not build)'}; 2-core figures depend on the load from other work: compare within this run only.`);

  const rows: string[][] = [];
  const summary: string[] = [];
  const stageRows: Array<{ size: string; stages: Record<string, number> | null }> = [];
  const budgetRows: string[][] = [];
  const spreads: string[] = [];
  for (const s of SIZES) {
    const file = join(vids, `crack_${s}p.mp4`);
    const n = frameCount(bundled.ffprobe.path, file);
    // Each program REPEAT times, interleaved, the fastest run of each kept: these machines are
    // shared, and a neighbour's load slows one run by up to ~20 %. Every figure is process start
    // to exit (the native script's interpreter and cv2 import included, as lidtrack's Node and
    // OpenCV.js load are), from the same clock.
    let decFps = 0, lumaFps = 0, sysFps: number | null = null, refFps: number | null = null, refRss: number | null = null, readerFps: number | null = null;
    /** Least CPU seconds (user + system, ffmpeg included) of any run of each. */
    let refCpuS: number | null = null, ltCpuS: number | null = null, decCpuS: number | null = null;
    /** The native script's own CPU seconds (its ffmpeg child excluded): its analysis and pipe reading. */
    let refSelfCpuS: number | null = null;
    /** The lidtrack run of least total CPU: its total and its own threads' CPU seconds (manifest.json process_cpu_s). */
    let ltSplit: { totalS: number; ownS: number } | null = null;
    let lt: Awaited<ReturnType<typeof lidtrackRun>> | null = null;
    const ltFps: number[] = [], refAll: number[] = [], paired: number[] = [];
    const out = join(DIR, `speed-out-${s}`);
    for (let k = 0; k < REPEAT; k++) {
      const dec = await cpuTimed(bundled.ffmpeg.path, ['-v', 'error', '-nostdin', '-i', file, '-f', 'null', '-']);
      decFps = Math.max(decFps, n / dec.wallS);
      if (dec.cpuS !== null) decCpuS = Math.min(decCpuS ?? Infinity, dec.cpuS);
      // what lidtrack asks of ffmpeg's decoder for a YUV video: the luma plane alone (-flags:v gray,
      // grayConversion.ts) with lidtrack's decoder threads (openVideo.ts decoderThreadArgs): shown
      // beside the figure, which stays the plain decode's
      const dl = await timed(bundled.ffmpeg.path, ['-v', 'error', '-nostdin', ...decoderThreadArgs(undefined, undefined, framePixels(Number(s))), ...LUMA_ONLY_DECODE, '-i', file, '-f', 'null', '-']);
      lumaFps = Math.max(lumaFps, n / dl.wallS);
      if (sysFfmpeg && sysFfmpeg !== bundled.ffmpeg.path) {
        const d2 = await timed(sysFfmpeg, ['-v', 'error', '-nostdin', '-i', file, '-f', 'null', '-']);
        sysFps = Math.max(sysFps ?? 0, n / d2.wallS);
      }
      const rd = await readerRun(file);
      if (rd !== null) readerFps = Math.max(readerFps ?? 0, rd);
      const ref = await timed(py!, [join(SHARED, 'ref_cv2.py'), file]);
      try {
        const j = JSON.parse(ref.stderr.trim().split('\n').pop()!) as { frames: number; peak_rss_mb: number; cpu_self_s: number; cpu_ffmpeg_s: number };
        const f = j.frames / ref.wallS;
        const c = j.cpu_self_s + j.cpu_ffmpeg_s;
        if (Number.isFinite(c)) refCpuS = Math.min(refCpuS ?? Infinity, c);
        if (Number.isFinite(j.cpu_self_s)) refSelfCpuS = Math.min(refSelfCpuS ?? Infinity, j.cpu_self_s);
        refAll.push(f);
        if (f > (refFps ?? 0)) { refFps = f; refRss = j.peak_rss_mb; }
      } catch { /* failed */ }
      rmSync(out, { recursive: true, force: true });
      const run = await lidtrackRun(file, out, BUDGET_S);
      ltFps.push(run.fps);
      // decode-only again, right after: the paired ratio compares lidtrack with the mean of the
      // decode-only wall times around it
      const decAfter = await cpuTimed(bundled.ffmpeg.path, ['-v', 'error', '-nostdin', '-i', file, '-f', 'null', '-']);
      decFps = Math.max(decFps, n / decAfter.wallS);
      if (decAfter.cpuS !== null) decCpuS = Math.min(decCpuS ?? Infinity, decAfter.cpuS);
      if (!run.interrupted) paired.push(run.fps / (n / ((dec.wallS + decAfter.wallS) / 2)));
      if (run.cpuS !== null) ltCpuS = Math.min(ltCpuS ?? Infinity, run.cpuS);
      if (run.cpuS !== null && run.ownCpuS !== null && !run.interrupted && (!ltSplit || run.cpuS < ltSplit.totalS)) ltSplit = { totalS: run.cpuS, ownS: run.ownCpuS };
      if (!lt || run.fps > lt.fps) lt = run;
    }
    if (!lt) throw new Error('no lidtrack run');
    const spread = (a: number[]) => (a.length > 1 ? ` (${fmt(Math.min(...a), 2)}–${fmt(Math.max(...a), 2)})` : '');
    spreads.push(`${s}p: lidtrack ${ltFps.map((f) => fmt(f, 1)).join(', ')} fr/s; native ${refAll.map((f) => fmt(f, 1)).join(', ')} fr/s${spread(ltFps.map((f, i) => f / (refAll[i] ?? NaN)))} ratio range`);
    const r1 = lt.fps / decFps, r2 = refFps ? lt.fps / refFps : NaN;
    const rp = paired.length ? medianInPlace(Float64Array.from(paired)) : NaN;
    const msPerFrame = (cpu: number | null, frames: number) => (cpu === null ? null : (1000 * cpu) / frames);
    const refCpuMs = msPerFrame(refCpuS, n), ltCpuMs = msPerFrame(ltCpuS, lt.frames);
    rows.push([`${s}p (${n} fr)`, fmt(decFps), fmt(lumaFps), fmt(lt.fps / lumaFps, 3), fmt(sysFps), fmt(readerFps), fmt(readerFps !== null ? readerFps / decFps : null, 3), fmt(refFps), fmt(refRss, 0), fmt(lt.fps, 2) + (lt.interrupted ? ` (budget: ${lt.frames} fr)` : ''), fmt(lt.peakRssMb, 0), fmt(r1, 3), fmt(rp, 3), fmt(r2, 3),
      fmt(refCpuMs, 1), fmt(ltCpuMs, 1), fmt(refCpuMs !== null && ltCpuMs !== null ? refCpuMs / ltCpuMs : null, 3)]);
    spreads.push(`${s}p: lidtrack ÷ decode-only per round (paired) ${paired.map((r) => fmt(r, 3)).join(', ')}: median ${fmt(rp, 3)}`);
    summary.push(`${s}p lidtrack ${fmt(lt.fps, 2)} fr/s = ${fmt(r1, 3)}× ffmpeg decode (${fmt(decFps, 0)}; paired per round: median ${fmt(rp, 3)}×) = ${fmt(r2, 3)}× native cv2 (${fmt(refFps, 1)}); ${fmt(lt.fps / lumaFps, 3)}× ffmpeg luma-only decode (${fmt(lumaFps, 0)}); reader alone ${fmt(readerFps, 1)} fr/s = ${fmt(readerFps !== null ? readerFps / decFps : null, 3)}× decode`);
    stageRows.push({ size: `${s}p`, stages: lt.stages });
    const b = budgetRow(`${s}p`, n, decFps, decCpuS, ltSplit, lt.fps, msPerFrame(refSelfCpuS, n));
    budgetRows.push(b);
    summary.push(`${s}p CPU at 0.5× decode: ${b[4]} ms/fr left for the analysis after ffmpeg, lidtrack's takes ${b[5]}, the native script's ${b[7]}`);
  }
  table(['file', 'ffmpeg dec fr/s', 'ffmpeg luma-only dec fr/s', 'lt ÷ luma-only dec', 'system ffmpeg fr/s', 'lidtrack reader alone fr/s', 'reader ÷ decode', 'native cv2 fr/s', 'cv2 RSS MB', 'lidtrack fr/s', 'lidtrack RSS MB', 'lt ÷ decode', 'lt ÷ decode, paired (median)', 'lt ÷ native', 'native CPU ms/fr', 'lidtrack CPU ms/fr', 'CPU native ÷ lt'], rows);
  console.log(`fr/s: frames ÷ wall time from process start to exit (Node, the bundle and OpenCV.js load for lidtrack, the interpreter and the cv2 import for the native script), the fastest of ${REPEAT} interleaved runs each (decode-only twice a round: before and after lidtrack); lidtrack with --no-report. Paired: per round, lidtrack's rate ÷ the decode-only rate of the mean of the two decode runs around it, the median over the rounds — the load of other work on these shared machines changes from minute to minute (decode-only alone varies by up to 40 % within a bench), and the fastest-of-each ratio compares runs made under different loads. Targets: ≥ 0.5× decode at 1080p; > 1× native.`);
  console.log(`luma-only decode: \`ffmpeg ${decoderThreadArgs(undefined, undefined, framePixels(1080)).join(' ')} -flags:v gray -i F -f null -\` (1080p), the decoding lidtrack asks for: the luma plane alone (decoders that support it skip the chroma planes, ≈ 10 % less CPU on H.264) and lidtrack's decoder threads (more than ffmpeg's own choice on 2 cores, openVideo.ts decoderThreadArgs: faster for ffmpeg alone too): the harder reference, shown beside the figure; the target is against the plain decode (\`ffmpeg -i F -f null -\`, ffmpeg's own threads).`);
  console.log('reader alone: `lidtrack probe F --decode` — the ffmpeg command, gray plane, pipe and frame ring of `lidtrack track`, no analysis; frames ÷ time from opening the file to the last frame (no Node start-up), the fastest run: what lidtrack could reach with an analysis that cost nothing.');
  console.log('CPU ms/fr: user + system time of every thread and of the ffmpeg child, per frame, the least of the runs (GNU time for lidtrack, getrusage in the script): less sensitive than wall time to a neighbour\'s load; with 2 cores busy, wall ≈ CPU ÷ 2.');
  if (REPEAT > 1) for (const l of spreads) console.log(`  runs — ${l}`);
  if (budgetRows.length) {
    console.log('CPU budget of the 0.5× decode target (ms of CPU per frame; the lidtrack run of least CPU):');
    table(['file', 'decode-only CPU', 'budget at 0.5× decode', 'lidtrack: ffmpeg child', 'left for analysis', 'lidtrack analysis', 'analysis ÷ what is left', 'native script analysis', 'lidtrack fr/s ÷ 0.5× decode'], budgetRows);
    console.log('budget: at 0.5× the decode-only frame rate D a frame may take 2/D s of wall time, i.e. at most 2 cores × 2/D s of CPU (both cores busy all the time; lidtrack\'s runs keep them ≈ 90 % busy). '
      + 'ffmpeg child: the run\'s CPU (GNU time, children included) minus lidtrack\'s own threads\' (manifest.json process_cpu_s) — decoding, the gray plane and the pipe; what is left of the budget is all the analysis may use (the decode reader, segmentation, tips, V8\'s compiler and collector included). '
      + 'Native script analysis: the script\'s own CPU (getrusage self: reading the pipe and the per-frame OpenCV work; its ffmpeg child excluded).');
  }
  const names = [...new Set(stageRows.flatMap((r) => Object.keys(r.stages ?? {})))];
  if (names.length) {
    console.log('per-stage wall time [ms/frame] of lidtrack track (manifest.json timing_ms_per_frame):');
    // main-thread stages sum to the wall time per frame; tips_worker runs on the tip worker thread, in parallel
    const mainSum = (st: Record<string, number> | null) => Object.entries(st ?? {}).filter(([k]) => k !== 'tips_worker').reduce((a, [, v]) => a + v, 0);
    table(['stage', ...stageRows.map((r) => r.size)], [...names, 'sum'].map((n) => [n === 'tips_worker' ? 'tips_worker (other thread)' : n === 'sum' ? 'sum (main thread)' : n, ...stageRows.map((r) => fmt(n === 'sum' ? mainSum(r.stages) : r.stages?.[n], 1))]));
  } else console.log('per-stage: the tracker does not report per-stage times (no timing_ms_per_frame in manifest.json)');

  let memLine = 'memory check: skipped (--no-mem)';
  if (DO_MEM) {
    const src = join(vids, `crack_${SIZES[0]}p.mp4`);
    const [w, h] = MEM_SIZE.split('x');
    const mem: Array<{ min: number; frames: number; rss: number | null; fps: number; interrupted: boolean; s: number; series: Array<[number, number]>; youngMb: number | null }> = [];
    for (const min of [1, 10]) {
      const f = join(DIR, `mem-${MEM_SIZE}-${min}min.mp4`);
      if (!existsSync(f)) {
        // The generated scene looped: cracks grow, vanish and regrow every loop, as in a long recording.
        const g = spawnSync(bundled.ffmpeg.path, ['-v', 'error', '-y', '-stream_loop', '-1', '-i', src, '-t', String(min * 60), '-vf', `scale=${w}:${h}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-pix_fmt', 'yuv420p', f + '.part.mp4'], { encoding: 'utf8' });
        if (g.status !== 0) throw new Error(`making ${f}: ${g.stderr}`);
        spawnSync('mv', [f + '.part.mp4', f]);
      }
    }
    // each recording MEM_REPEAT times, interleaved; the figure is the ratio of the median peaks
    for (let k = 0; k < MEM_REPEAT; k++) {
      for (const min of [1, 10]) {
        const f = join(DIR, `mem-${MEM_SIZE}-${min}min.mp4`);
        const out = join(DIR, `mem-out-${min}`);
        rmSync(out, { recursive: true, force: true });
        const r = await lidtrackRun(f, out, min === 10 ? MEM_BUDGET_S : BUDGET_S);
        mem.push({ min, frames: r.frames, rss: r.peakRssMb, fps: r.fps, interrupted: r.interrupted, s: r.wallS, series: r.rssSeries, youngMb: r.youngMb });
      }
    }
    table(['recording', 'frames tracked', 'wall s', 'fr/s', 'peak RSS MB', 'young gen. MB'], mem.map((m) => [`${m.min} min ${MEM_SIZE} @25 fps`, String(m.frames) + (m.interrupted ? ' (budget)' : ''), fmt(m.s, 0), fmt(m.fps, 1), fmt(m.rss, 0), fmt(m.youngMb, 0)]));
    const peaksOf = (min: number) => mem.filter((m) => m.min === min && m.rss !== null).map((m) => m.rss!).sort((a, b) => a - b);
    const median = (a: number[]) => medianInPlace(Float64Array.from(a));
    const p1 = peaksOf(1), p10 = peaksOf(10);
    const ratio = median(p10) / median(p1);
    memLine = `peak RSS 10 min ÷ 1 min = ${fmt(ratio, 3)} (median of ${MEM_REPEAT} runs each: ${fmt(median(p10), 0)} ÷ ${fmt(median(p1), 0)} MB; `
      + `runs: 10 min ${p10.map((x) => fmt(x, 0)).join(', ')}, 1 min ${p1.map((x) => fmt(x, 0)).join(', ')}; extremes ${fmt(p10[0] / p1[p1.length - 1], 3)}–${fmt(p10[p10.length - 1] / p1[0], 3)}) (target ≤ 1.1)`
      + `${mem.some((m) => m.interrupted) ? ' — a run hit its time budget, so fewer frames than the full recording' : ''}`;
    console.log(memLine);
    // flat in length, within the long run: its RSS peak over its second half ÷ over its first half
    // (a one-time growth early in a run — e.g. V8 enlarging its young generation once enough has
    // survived collections — shows in the ratio above when the short run ends before it, not here)
    const last10 = mem.filter((m) => m.min === 10).pop()!;
    const ser = last10.series, half = last10.s / 2;
    const peak = (a: Array<[number, number]>) => a.reduce((m, [, r]) => Math.max(m, r), 0);
    const first = peak(ser.filter(([t]) => t < half)), second = peak(ser.filter(([t]) => t >= half));
    const walk = ser.filter((_, k) => k % Math.max(1, Math.round(ser.length / 10)) === 0).map(([t, r]) => `${fmt(t, 1)} s ${fmt(r, 0)}`).join(', ');
    console.log(`10-min run: peak RSS over its second half ÷ over its first half = ${fmt(second / first, 3)} (${fmt(second, 0)} ÷ ${fmt(first, 0)} MB); RSS [MB] over time: ${walk}`);
  }
  await nodeStartNote();
  // the load from outside this run (other VMs on the host show as time this one waits for a CPU)
  const pressureAtEnd = cpuPressure();
  if (pressureAtStart !== null && pressureAtEnd !== null) {
    console.log(`CPU pressure of this machine (/proc/pressure/cpu "some" avg300: the share of the last 5 minutes in which a task waited for a CPU): ${fmt(pressureAtStart, 0)} % before the bench (≈ 0 when nothing else ran; other VMs' load on the host shows here too), ${fmt(pressureAtEnd, 0)} % at its end (the bench's own runs included)`);
  }
  console.log(`SUMMARY speed: ${summary.join('; ')}; ${memLine}`);
}

/**
 * Node's own start-up (`node -e 0`, the median of 7), part of every lidtrack run's wall time; and,
 * when the environment sets NODE_EXTRA_CA_CERTS, the same without it: Node then reads that
 * certificate bundle before any code runs (≈ 50 ms on the machines of this project, whose
 * environment sets it), which lidtrack — no network connection — cannot avoid from inside.
 */
async function nodeStartNote(): Promise<void> {
  const startMs = async (env: NodeJS.ProcessEnv) => {
    const ms: number[] = [];
    for (let k = 0; k < 7; k++) {
      const t0 = performance.now();
      spawnSync(process.execPath, ['-e', '0'], { env, stdio: 'ignore' });
      ms.push(performance.now() - t0);
    }
    return medianInPlace(Float64Array.from(ms));
  };
  const asIs = await startMs(process.env);
  if (process.env.NODE_EXTRA_CA_CERTS === undefined) {
    console.log(`Node start-up (node -e 0, median of 7): ${fmt(asIs, 0)} ms, included in every lidtrack run's wall time`);
    return;
  }
  const { NODE_EXTRA_CA_CERTS: _, ...without } = process.env;
  const bare = await startMs(without);
  console.log(`Node start-up (node -e 0, median of 7): ${fmt(asIs, 0)} ms with this environment's NODE_EXTRA_CA_CERTS (Node reads the certificate bundle before any code runs), ${fmt(bare, 0)} ms without: included in every lidtrack run's wall time here (the runs above keep the environment as it is)`);
}

await main();
