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
 * workerData: { ffmpegPath, args, frameBytes, readAhead, ring }
 * Frames go to the parent either in the shared `ring` (a SharedArrayBuffer of readAhead + 2 slots
 * of frameBytes: {type:'frame', slot}, the parent reads the slot in place and hands it back with
 * {type:'ack', slot} when done), or, without a ring (a consumer that keeps frames), each in a
 * buffer of its own ({type:'frame', buf}, ArrayBuffer transferred).
 * Also to the parent: {type:'stderr', text}, {type:'error', message} (ffmpeg could not be
 *   started), {type:'close', code, signal, partialLen}.
 * From the parent: {type:'ack'} (one frame consumed: credit for one more; with `slot`, a ring frame
 *   the parent is done with — one message, not two: each wakes this thread),
 *   {type:'kill'}.
 * Back-pressure: at most readAhead frames are sent and not yet acknowledged; then stdout is
 * paused, the pipe fills and ffmpeg blocks — memory stays bounded. With a ring, bytes of a chunk
 * that finds no free slot wait (the chunk that completed the queue can hold more frames when
 * frames are small) until the parent hands one back.
 */
import { spawn } from 'node:child_process';
import { parentPort, workerData } from 'node:worker_threads';

const { ffmpegPath, args, frameBytes, readAhead, ring } = /** @type {{ffmpegPath: string, args: string[], frameBytes: number, readAhead: number, ring: SharedArrayBuffer | null}} */ (workerData);
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

// own process group: a terminal's Ctrl-C reaches lidtrack, which stops the decoder itself
const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
let outstanding = 0;
/** With a ring: the slots not in use (slot 0 is filled first). */
const freeSlots = /** @type {number[]} */ ([]);
let slot = 0;
if (ring) for (let k = ring.byteLength / frameBytes - 1; k >= 1; k--) freeSlots.push(k);
/** The frame being filled (a ring slot, or a buffer of its own); null: no free slot yet. */
let partial = /** @type {Uint8Array | null} */ (ring ? new Uint8Array(ring, 0, frameBytes) : new Uint8Array(new ArrayBuffer(frameBytes)));
let partialLen = 0;
/** With a ring: bytes that arrived while no slot was free, in order. */
const waiting = /** @type {Buffer[]} */ ([]);

/** Take in bytes of ffmpeg's output; the part that found no free slot (to wait for one), or null. */
function take(/** @type {Buffer} */ chunk) {
  let off = 0;
  while (off < chunk.length) {
    if (!partial) return chunk.subarray(off);
    const n = Math.min(frameBytes - partialLen, chunk.length - off);
    partial.set(chunk.subarray(off, off + n), partialLen);
    partialLen += n;
    off += n;
    if (partialLen === frameBytes) {
      if (ring) {
        port.postMessage({ type: 'frame', slot });
        const next = freeSlots.pop();
        partial = next === undefined ? null : new Uint8Array(ring, next * frameBytes, frameBytes);
        slot = next ?? -1;
      } else {
        const buf = /** @type {ArrayBuffer} */ (partial.buffer);
        port.postMessage({ type: 'frame', buf }, [buf]);
        partial = new Uint8Array(new ArrayBuffer(frameBytes));
      }
      outstanding++;
      partialLen = 0;
    }
  }
  return null;
}

/** ffmpeg's exit, told to the parent once no bytes wait for a slot any more. */
let closed = /** @type {{type: 'close', code: number | null, signal: string | null, partialLen: number} | null} */ (null);
function tellClosed() {
  if (!closed || waiting.length) return;
  port.postMessage({ ...closed, partialLen });
  port.close();
}

child.on('error', (e) => port.postMessage({ type: 'error', message: e.message }));
child.stdout.on('data', (/** @type {Buffer} */ chunk) => {
  const rest = waiting.length ? chunk : take(chunk);
  if (rest) waiting.push(rest);
  if (outstanding >= readAhead || waiting.length) child.stdout.pause();
});
child.stderr.setEncoding('utf8');
child.stderr.on('data', (/** @type {string} */ text) => port.postMessage({ type: 'stderr', text }));
child.on('close', (code, signal) => {
  closed = { type: 'close', code, signal, partialLen };
  tellClosed();
});
port.on('message', (/** @type {{type: string, slot?: number}} */ m) => {
  if (m.type === 'ack') outstanding--;
  if (m.type === 'ack' && ring && m.slot !== undefined) {
    if (partial) freeSlots.push(m.slot);
    else {
      // the slot the next frame goes into; then the bytes that waited for it
      slot = m.slot;
      partial = new Uint8Array(ring, slot * frameBytes, frameBytes);
      while (waiting.length) {
        const rest = take(/** @type {Buffer} */ (waiting.shift()));
        if (rest) {
          waiting.unshift(rest);
          break;
        }
      }
      tellClosed();
    }
  } else if (m.type === 'kill') {
    waiting.length = 0; // (the parent stops reading: nothing waits for a slot any more, the exit is told)
    child.stdout.destroy();
    child.stderr.destroy();
    child.kill('SIGKILL');
    // ffmpeg may have exited already, its last bytes waiting for a slot: its exit is told now
    tellClosed();
    return;
  }
  if (outstanding < readAhead && !waiting.length && child.stdout.isPaused()) child.stdout.resume();
});
