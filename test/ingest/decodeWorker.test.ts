/**
 * The decode thread (src/ingest/decodeWorker.js) with a shared ring, driven directly, with a
 * stand-in for ffmpeg that writes 100 000 bytes at once (390 frames of 256 bytes; the ring holds
 * 3): frames come in order in the ring's slots, bytes that find no free slot wait and come as
 * slots are handed back, and a stop while bytes still wait ends the process and is told ('close')
 * — the parent waits for that message, so a stop must never leave it untold.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

const WORKER = new URL('../../src/ingest/decodeWorker.js', import.meta.url);
const FRAME = 256, SLOTS = 3;

function start(bytes = 100000): { worker: Worker; ring: SharedArrayBuffer; messages: Array<{ type: string; slot?: number }> } {
  const ring = new SharedArrayBuffer(FRAME * SLOTS);
  // byte k of the output is k mod 251: frame n starts with (256·n) mod 251
  const script = `const b = Buffer.alloc(${bytes}); for (let k = 0; k < b.length; k++) b[k] = k % 251; process.stdout.write(b);`;
  const worker = new Worker(WORKER, { workerData: { ffmpegPath: process.execPath, args: ['-e', script], frameBytes: FRAME, readAhead: 1, ring } });
  const messages: Array<{ type: string; slot?: number }> = [];
  worker.on('message', (m) => messages.push(m));
  return { worker, ring, messages };
}

const until = async (f: () => boolean, ms = 10_000) => {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('decode thread with a shared ring', () => {
  it('delivers every frame in order through 3 slots, bytes waiting for slots as they are handed back', async () => {
    const { worker, ring, messages } = start();
    const seen: number[] = [];
    let taken = 0;
    await until(() => {
      const frames = messages.filter((m) => m.type === 'frame');
      while (taken < frames.length) {
        const slot = frames[taken].slot!;
        seen.push(new Uint8Array(ring, slot * FRAME, FRAME)[0]);
        taken++;
        worker.postMessage({ type: 'ack', slot }); // consumed and handed back
      }
      return messages.some((m) => m.type === 'close');
    });
    await worker.terminate();
    expect(seen).toHaveLength(Math.floor(100000 / FRAME));
    expect(seen.every((b, n) => b === (FRAME * n) % 251)).toBe(true);
  });

  it('a stop while bytes wait for a slot ends the process and is told', async () => {
    const { worker, messages } = start();
    await until(() => messages.filter((m) => m.type === 'frame').length >= SLOTS); // the ring is full, the rest waits
    worker.postMessage({ type: 'kill' });
    await until(() => messages.some((m) => m.type === 'close'), 5000);
    await worker.terminate();
  });

  it('a stop after the process has exited, its last bytes waiting for a slot, is told', async () => {
    // 20 000 bytes arrive in one piece: 3 frames fill the ring, the rest waits, and the stand-in
    // exits while it waits (before the fix this stop was never told: the parent hung on Ctrl-C)
    const { worker, messages } = start(20000);
    await until(() => messages.filter((m) => m.type === 'frame').length >= SLOTS);
    await new Promise((r) => setTimeout(r, 500));
    expect(messages.some((m) => m.type === 'close')).toBe(false); // bytes still wait: not told yet
    worker.postMessage({ type: 'kill' });
    await until(() => messages.some((m) => m.type === 'close'), 5000);
    await worker.terminate();
  });
});
