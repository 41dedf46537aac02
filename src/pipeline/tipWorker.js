// @ts-check
/**
 * The tip worker of TipPool (tipPool.ts): findTips on frames whose segmentation the main thread
 * copied into shared buffers.
 *
 * Plain JavaScript: a worker does not inherit the main thread's TypeScript loader, so this entry
 * loads the tip module itself — the bundle's dist/track.mjs, or the TypeScript sources through
 * tsx (from the sources and in the tests).
 *
 * workerData: { moduleUrl, useTsx, ref, opts, slots: [{ D, Db, labels }] } (shared buffers)
 * From the parent: { id, slot, regions, labelSpans (the labelled runs, or undefined), gain, thresholdRel, prior, branchSearch }.
 * To the parent: { id, tips, ms } or { id, error, ms }.
 */
import { parentPort, workerData } from 'node:worker_threads';

const { moduleUrl, useTsx, ref, opts, slots } = workerData;
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
if (useTsx) {
  const { register } = await import('tsx/esm/api');
  register();
}
const { findTips } = await import(moduleUrl);

port.on('message', (/** @type {{id: number, slot: number, regions: unknown[], labelSpans?: Int32Array, gain: number, thresholdRel: number, prior: unknown[], branchSearch: unknown}} */ m) => {
  const t0 = performance.now();
  try {
    const s = slots[m.slot];
    const seg = { regions: m.regions, darkening: s.D, darkeningBlurred: s.Db, labels: s.labels, labelSpans: m.labelSpans, gain: m.gain, thresholdRel: m.thresholdRel };
    const tips = findTips(seg, ref, ref.noiseSigmaRel, opts, m.prior, m.branchSearch);
    port.postMessage({ id: m.id, tips, ms: performance.now() - t0 });
  } catch (e) {
    port.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e), ms: performance.now() - t0 });
  }
});
