// @ts-check
/**
 * The ffmpeg decode process, owned by a worker thread (used by openVideo.ts).
 *
 * Why a thread: the main thread analyses each frame synchronously for tens of milliseconds. If
 * it also read ffmpeg's stdout, nothing would drain the pipe (64 KiB) during that time, ffmpeg
 * would block after a few rows of the next frame, and decoding would not overlap the analysis
 * at all: the 1080p benchmark spent 7.5 ms/frame waiting for frames. This thread's event loop is
 * free, so it drains the pipe continuously and ffmpeg decodes on the other core.
 *
 * Plain JavaScript (no TypeScript loader in a worker) and Node built-ins only.
 *
 * workerData: { ffmpegPath, args, frameBytes, readAhead }
 * To the parent: {type:'frame', buf} (ArrayBuffer, transferred), {type:'stderr', text},
 *   {type:'error', message} (ffmpeg could not be started), {type:'close', code, signal, partialLen}.
 * From the parent: {type:'ack'} (one frame consumed: credit for one more), {type:'recycle', buf}
 *   (a frame's buffer the parent is done with, transferred back: filled again instead of a new
 *   allocation, which at 1080p spared the main thread ~2 ms/frame of garbage collection),
 *   {type:'kill'}.
 * Back-pressure: at most readAhead frames are sent and not yet acknowledged; then stdout is
 * paused, the pipe fills and ffmpeg blocks — memory stays bounded.
 */
import { spawn } from 'node:child_process';
import { parentPort, workerData } from 'node:worker_threads';

const { ffmpegPath, args, frameBytes, readAhead } = /** @type {{ffmpegPath: string, args: string[], frameBytes: number, readAhead: number}} */ (workerData);
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

// own process group: a terminal's Ctrl-C reaches lidtrack, which stops the decoder itself
const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
let outstanding = 0;
/** Buffers handed back by the parent, to be filled again. */
const free = /** @type {ArrayBuffer[]} */ ([]);
let partial = new Uint8Array(new ArrayBuffer(frameBytes));
let partialLen = 0;

child.on('error', (e) => port.postMessage({ type: 'error', message: e.message }));
child.stdout.on('data', (/** @type {Buffer} */ chunk) => {
  let off = 0;
  while (off < chunk.length) {
    const n = Math.min(frameBytes - partialLen, chunk.length - off);
    partial.set(chunk.subarray(off, off + n), partialLen);
    partialLen += n;
    off += n;
    if (partialLen === frameBytes) {
      const buf = partial.buffer;
      port.postMessage({ type: 'frame', buf }, [buf]);
      outstanding++;
      partial = new Uint8Array(free.pop() ?? new ArrayBuffer(frameBytes));
      partialLen = 0;
    }
  }
  if (outstanding >= readAhead) child.stdout.pause();
});
child.stderr.setEncoding('utf8');
child.stderr.on('data', (/** @type {string} */ text) => port.postMessage({ type: 'stderr', text }));
child.on('close', (code, signal) => {
  port.postMessage({ type: 'close', code, signal, partialLen });
  port.close();
});
port.on('message', (/** @type {{type: string, buf?: ArrayBuffer}} */ m) => {
  if (m.type === 'recycle') {
    if (m.buf && m.buf.byteLength === frameBytes && free.length < readAhead + 2) free.push(m.buf);
  } else if (m.type === 'ack') {
    outstanding--;
    if (outstanding < readAhead && child.stdout.isPaused()) child.stdout.resume();
  } else if (m.type === 'kill') {
    child.stdout.destroy();
    child.stderr.destroy();
    child.kill('SIGKILL');
  }
});
