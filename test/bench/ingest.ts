/**
 * Ingest benchmark: frames/s of openSource() beside ffmpeg's own decode-only frames/s on the
 * same file in the same run, and peak RSS over a 1-minute and a 10-minute video (flat memory
 * is the figure: the 10-minute peak must not exceed the 1-minute peak by more than noise).
 *
 *   node --import tsx test/bench/ingest.ts            # 720p + 1080p speed, 1- and 10-min RSS
 *   node --import tsx test/bench/ingest.ts --quick    # shorter videos (CI smoke)
 *
 * Videos are generated with the resolved ffmpeg in a temp folder (testsrc2, H.264 yuv420p).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSource, probeVideo, resolveFfmpeg } from '../../src/ingest/index.js';
import { ffmpegCapabilities } from '../../src/ingest/ffmpegCapabilities.js';
import { runProcess } from '../../src/ingest/runProcess.js';

const quick = process.argv.includes('--quick');
const dir = mkdtempSync(join(tmpdir(), 'lidtrack-bench-ingest-'));
const { ffmpeg } = resolveFfmpeg();

async function make(name: string, size: string, fps: number, seconds: number): Promise<string> {
  const out = join(dir, name);
  const r = await runProcess(
    ffmpeg.path,
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${fps}:duration=${seconds}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(fps * 2), '-pix_fmt', 'yuv420p', out],
    { timeoutMs: 900_000 },
  );
  if (r.code !== 0) throw new Error(r.stderr);
  return out;
}

/** ffmpeg alone: decode (and optionally convert to gray) to the null muxer. */
async function ffmpegOnly(path: string, gray: boolean): Promise<{ s: number; cpuS: number }> {
  const caps = await ffmpegCapabilities();
  const c0 = cpuS().children;
  const t0 = performance.now();
  const r = await runProcess(
    ffmpeg.path,
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', path, '-map', '0:v:0', ...(gray ? ['-vf', 'scale=out_range=full,format=gray'] : []), ...caps.passthroughArgs, '-f', 'null', '-'],
    { timeoutMs: 900_000 },
  );
  if (r.code !== 0) throw new Error(r.stderr);
  return { s: (performance.now() - t0) / 1e3, cpuS: cpuS().children - c0 };
}

async function lidtrack(path: string): Promise<{ frames: number; s: number; cpuS: number; rssMaxMB: number; rssSamplesMB: number[] }> {
  const c0 = cpuS();
  const t0 = performance.now();
  const src = await openSource(path);
  let frames = 0;
  let checksum = 0;
  const samples: number[] = [];
  for await (const fr of src.frames()) {
    checksum += fr.data[(fr.data.length >> 1) + 7];
    frames++;
    if (frames % 1000 === 0) samples.push(process.memoryUsage().rss / 2 ** 20);
  }
  void checksum;
  const r = src.lastReport();
  if (r?.endedEarly) throw new Error(`unexpected early end: ${r.endReason}`);
  const c1 = cpuS();
  return { frames, s: (performance.now() - t0) / 1e3, cpuS: c1.self - c0.self + c1.children - c0.children, rssMaxMB: process.resourceUsage().maxRSS / 1024, rssSamplesMB: samples };
}

const fmt = (x: number, d = 1) => x.toFixed(d);

/**
 * CPU seconds used so far by this process and by its reaped children (ffmpeg), from
 * /proc/self/stat (utime, stime, cutime, cstime at 100 ticks/s). Wall-clock frames/s on a
 * shared machine swing with the load; CPU time per frame does much less.
 */
function cpuS(): { self: number; children: number } {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const tick = 100;
  return { self: (Number(f[11]) + Number(f[12])) / tick, children: (Number(f[13]) + Number(f[14])) / tick };
}

try {
  const caps = await ffmpegCapabilities();
  console.log(`ffmpeg: ${caps.ffmpegVersion}`);
  console.log(`node ${process.version}, ${quick ? 'quick' : 'full'} run\n`);

  // 1. Memory: the same small stream at 1 and 10 minutes (RSS is a process-lifetime peak, so
  //    the shorter one runs first: if memory grew with length, the second peak would be higher).
  const rssFps = 25;
  const [shortS, longS] = quick ? [12, 120] : [60, 600];
  const short = await make('short.mp4', '320x240', rssFps, shortS);
  const long = await make('long.mp4', '320x240', rssFps, longS);
  console.log('peak RSS (320×240, 25 fps, whole video decoded through openSource):');
  const a = await lidtrack(short);
  console.log(`  ${shortS / 60} min  ${a.frames} frames  peak RSS ${fmt(a.rssMaxMB)} MB  ${fmt(a.frames / a.s, 0)} frames/s`);
  const b = await lidtrack(long);
  const spread = b.rssSamplesMB.length ? `${fmt(Math.min(...b.rssSamplesMB))}–${fmt(Math.max(...b.rssSamplesMB))}` : 'n/a';
  console.log(`  ${longS / 60} min ${b.frames} frames  peak RSS ${fmt(b.rssMaxMB)} MB  ${fmt(b.frames / b.s, 0)} frames/s  (RSS every 1000 frames: ${spread} MB)`);
  console.log(`  growth from ${shortS / 60} to ${longS / 60} min: ${fmt(b.rssMaxMB - a.rssMaxMB)} MB\n`);

  // 2. Speed beside ffmpeg alone, same file, same run.
  console.log('speed (frames/s; ratio = lidtrack ingest / ffmpeg decode-only):');
  for (const [size, label] of [['1280x720', '720p'], ['1920x1080', '1080p']] as const) {
    const seconds = quick ? 4 : 20;
    const path = await make(`${label}.mp4`, size, 30, seconds);
    const n = (await probeVideo(path)).frameCount ?? seconds * 30;
    const dec = await ffmpegOnly(path, false);
    const lt = await lidtrack(path);
    console.log(
      `  ${label.padEnd(5)} ${n} frames: ffmpeg decode-only ${fmt(n / dec.s, 0)} frames/s, lidtrack openSource ${fmt(lt.frames / lt.s, 0)} frames/s ` +
        `→ ratio ${fmt(lt.frames / lt.s / (n / dec.s), 2)};  CPU ms/frame: ffmpeg ${fmt((dec.cpuS / n) * 1e3, 2)}, lidtrack (node + ffmpeg) ${fmt((lt.cpuS / lt.frames) * 1e3, 2)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
