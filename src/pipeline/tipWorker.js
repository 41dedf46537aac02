// @ts-check
/**
 * The tip worker of TipPool (tipPool.ts): findTips on frames whose segmentation the main thread
 * copied into shared buffers.
 *
 * Plain JavaScript: a worker does not inherit the main thread's TypeScript loader, so this entry
 * loads the tip module itself — the bundle's dist/track.mjs, or the TypeScript sources through
 * tsx (from the sources and in the tests).
 *
 * workerData: { moduleUrl, useTsx, ref, opts, slots: [{ D, Db, labels }] (shared buffers), branchSearchEvery,
 *   history (a TipHistorySnapshot: the state before the first frame) }
 * From the parent, frames in order: { id, slot, regions, labelSpans (the labelled runs, or undefined), gain,
 *   thresholdRel, ordinal }; each frame's search starts from the frame before (this thread's TipHistory).
 * To the parent: { id, tips, ms } or { id, error, ms }.
 */
import { parentPort, workerData } from 'node:worker_threads';

const { moduleUrl, useTsx, ref, opts, slots, branchSearchEvery, history: start } = workerData;
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
if (useTsx) {
  const { register } = await import('tsx/esm/api');
  register();
}
const { findTips, TipHistory } = await import(moduleUrl);
const history = new TipHistory(branchSearchEvery, start);

port.on('message', (/** @type {{id: number, slot: number, regions: unknown[], labelSpans?: Int32Array, gain: number, thresholdRel: number, ordinal: number}} */ m) => {
  const t0 = performance.now();
  try {
    const s = slots[m.slot];
    const seg = { regions: m.regions, darkening: s.D, darkeningBlurred: s.Db, labels: s.labels, labelSpans: m.labelSpans, gain: m.gain, thresholdRel: m.thresholdRel };
    const { prior, branchSearch } = history.before(m.ordinal);
    const tips = findTips(seg, ref, ref.noiseSigmaRel, opts, prior, branchSearch);
    history.landed(m.ordinal, tips);
    port.postMessage({ id: m.id, tips, ms: performance.now() - t0 });
  } catch (e) {
    port.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e), ms: performance.now() - t0 });
  }
});
