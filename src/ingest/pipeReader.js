// @ts-check
/**
 * Reads ffmpeg's raw frames from its stdout pipe straight into a ring of shared frame slots, with
 * blocking reads on a thread of its own (used by openVideo.ts when the consumer reads frames in
 * place: FramesOptions.reuseBuffers).
 *
 * Why not decodeWorker.js's stream: a Node stream allocates a new 64 KiB buffer for every read of
 * the pipe (≈ 32 per 1080p frame), fires an event for it, and the bytes are then copied into the
 * slot. Here each read(2) lands in the slot itself: no allocation, no copy, no event loop. The
 * 250-frame 1080p bench file's reading took 0.38–0.41 s of this thread's CPU that way, 0.17 s this
 * way (`cat` itself: 0.13–0.15 s).
 *
 * The parent spawns ffmpeg (and reads its stderr: the showinfo timestamp lines), makes the pipe's
 * descriptor blocking and hands this thread its number. The descriptor stays the parent's: this
 * thread only reads it, and the parent closes it after this thread's 'end'.
 *
 * workerData: { fd, ring: SharedArrayBuffer (nSlots × frameBytes), frameBytes, ctrl: Int32Array
 *   over a SharedArrayBuffer }.
 * ctrl[0]: frames the parent is done with (it adds 1 per frame, in frame order, and notifies);
 * ctrl[1]: 1 = stop (the parent stopped reading; it notifies, then kills ffmpeg).
 * Frame k goes into slot k mod nSlots once frame k − nSlots + 1 … are the only ones not handed
 * back, i.e. when ctrl[0] ≥ k − nSlots + 1: slots are handed back in the order they were filled
 * (the consumer takes frames in order), so the slot is free. Back-pressure: while no slot is free
 * nothing reads the pipe, it fills and ffmpeg blocks.
 * To the parent: {type:'frame', slot} per complete frame; {type:'end', partialLen, error} once,
 * at the end of the pipe (ffmpeg exited or was killed), a read error, or a stop.
 */
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { fd, ring, frameBytes, ctrl } = /** @type {{fd: number, ring: SharedArrayBuffer, frameBytes: number, ctrl: Int32Array}} */ (workerData);
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const nSlots = Math.floor(ring.byteLength / frameBytes);

let partialLen = 0;
let error = /** @type {string | null} */ (null);
try {
  for (let k = 0; ; k++) {
    for (;;) {
      if (Atomics.load(ctrl, 1) !== 0) throw null; // stopped
      const done = Atomics.load(ctrl, 0);
      if (done >= k - nSlots + 1) break;
      Atomics.wait(ctrl, 0, done);
    }
    const slot = k % nSlots;
    const view = new Uint8Array(ring, slot * frameBytes, frameBytes);
    partialLen = 0;
    while (partialLen < frameBytes) {
      const n = readSync(fd, view, partialLen, frameBytes - partialLen, null);
      if (n === 0) throw null; // end of the pipe
      partialLen += n;
    }
    port.postMessage({ type: 'frame', slot });
    partialLen = 0;
  }
} catch (e) {
  if (e !== null) error = e instanceof Error ? e.message : String(e);
}
port.postMessage({ type: 'end', partialLen, error });
