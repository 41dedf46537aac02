/**
 * `lidtrack doctor`: which ffmpeg / ffprobe lidtrack uses and why (the resolution order of
 * SPEC.md), their versions and a decode check, sharp / libvips, the OpenCV.js build and Node.
 * Exit 0 when every needed part works, 2 (with the fix) otherwise.
 */
import type { Command } from 'commander';
import { createRequire } from 'node:module';
import { InputError } from '../../core/errors.js';
import { LIDTRACK_VERSION } from '../../core/version.js';
import { diagnoseFfmpeg, ffmpegResolutionChain, type Check } from '../../ingest/index.js';

/** sharp and libvips load, and encode/decode a tiny image. */
async function checkSharp(): Promise<Check> {
  const fix = 'run `npm ci` again (sharp ships prebuilt libvips for linux/macOS/windows x64 and arm64)';
  try {
    const { default: sharp } = await import('sharp');
    const png = await sharp(Buffer.from([0, 128, 255, 64]), { raw: { width: 2, height: 2, channels: 1 } }).png().toBuffer();
    const back = await sharp(png).toColourspace('b-w').raw().toBuffer();
    const ok = back.length === 4 && back[1] === 128;
    return { name: 'sharp / libvips', ok, needed: true, detail: `sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}${ok ? '' : ' (PNG round trip failed)'}`, fix };
  } catch (e) {
    return { name: 'sharp / libvips', ok: false, needed: true, detail: (e as Error).message.split('\n')[0], fix };
  }
}

/**
 * Load OpenCV.js. The module's export is the ready `cv`, a real Promise of it, or an
 * Emscripten module that becomes ready at onRuntimeInitialized. The Emscripten module has its
 * own `then`, so it must never be awaited nor returned from an async function (promise
 * resolution would adopt it again and again and never settle): it travels wrapped in an object.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function loadCv(): Promise<{ cv: any }> {
  const require = createRequire(import.meta.url);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let cv: any = require('@techstark/opencv-js');
  if (cv instanceof Promise) cv = await new Promise((resolve, reject) => cv.then((m: unknown) => resolve([m]), reject)).then((w) => (w as unknown[])[0]);
  if (!cv.Mat) {
    await new Promise<void>((resolve) => {
      cv.onRuntimeInitialized = () => resolve();
    });
  }
  return { cv };
}

/** OpenCV.js loads, creates a Mat, and reports the first lines of cv.getBuildInformation(). */
async function checkOpenCv(): Promise<Check> {
  const fix = 'run `npm ci` again (installs @techstark/opencv-js)';
  const started = Date.now();
  try {
    const require = createRequire(import.meta.url);
    const pkg = require('@techstark/opencv-js/package.json') as { version: string };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('OpenCV.js runtime did not initialise within 60 s')), 60_000);
    });
    const { cv } = await Promise.race([loadCv(), timeout]).finally(() => clearTimeout(timer));
    const m = new cv.Mat(2, 3, cv.CV_8UC1);
    const ok = m.rows === 2 && m.cols === 3;
    m.delete();
    const info: string = cv.getBuildInformation();
    const lines = info.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 2).join(' | ');
    return { name: 'OpenCV.js', ok, needed: true, detail: `@techstark/opencv-js ${pkg.version}: ${lines} (loaded in ${((Date.now() - started) / 1e3).toFixed(1)} s)`, fix };
  } catch (e) {
    return { name: 'OpenCV.js', ok: false, needed: true, detail: (e as Error).message.split('\n')[0], fix };
  }
}

function checkNode(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  return { name: 'Node.js', ok: major >= 20, needed: true, detail: `node ${process.versions.node} (${process.platform}-${process.arch})`, fix: 'install Node.js 20 or newer' };
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check ffmpeg/ffprobe (and which one is used, and why), sharp/libvips, OpenCV.js and Node')
    .option('--json', 'print the checks as JSON')
    .action(async (raw: { json?: boolean }) => {
      const chain = ffmpegResolutionChain();
      const checks: Check[] = [checkNode(), ...(await diagnoseFfmpeg()), await checkSharp(), await checkOpenCv()];
      if (raw.json) {
        process.stdout.write(JSON.stringify({ lidtrack: LIDTRACK_VERSION, resolution: chain, checks }, null, 2) + '\n');
      } else {
        const out: string[] = [`lidtrack ${LIDTRACK_VERSION}`, '', 'ffmpeg / ffprobe resolution (SPEC.md order):'];
        for (const s of chain) out.push(`  ${s.used ? '→' : ' '} ${s.binary.padEnd(7)} ${s.source.padEnd(27)} ${s.path ?? '-'}  (${s.reason})`);
        out.push('', 'checks:');
        const w = Math.max(...checks.map((c) => c.name.length));
        for (const c of checks) out.push(`  ${c.ok ? 'ok  ' : c.needed ? 'FAIL' : 'warn'}  ${c.name.padEnd(w)}  ${c.detail}${c.ok ? '' : `\n        fix: ${c.fix}`}`);
        process.stdout.write(out.join('\n') + '\n');
      }
      const failed = checks.filter((c) => c.needed && !c.ok);
      if (failed.length > 0) {
        throw new InputError(`doctor: ${failed.map((c) => c.name).join(', ')} not working`, failed.map((c) => c.fix).join('; '));
      }
    });
}
