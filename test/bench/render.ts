/**
 * Renderer speed and memory: frames/s of `renderScenario` (render + encode) for the Fig. 2
 * scenario at its own size and scaled to 1280×720, and peak RSS for a short and a 4× longer
 * render (flat memory = streaming works).
 * Run: node --import tsx test/bench/render.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, renderScenario, validateScenario } from '../../src/render/index.js';

const base = loadScenario(join(import.meta.dirname, '../../fixtures/fig2/scenario.yaml'));
const out = mkdtempSync(join(tmpdir(), 'lidtrack-bench-render-'));
const rows: string[] = [];
try {
  for (const [w, h, n] of [
    [320, 240, 80],
    [320, 240, 320],
    [1280, 720, 40],
  ] as const) {
    const sc = validateScenario({ ...base, frame: { width_px: w, height_px: h }, timing: { ...base.timing, n_frames: n }, output: { ...base.output, preset: 'veryfast' } });
    const res = await renderScenario(sc, join(out, `${w}x${h}x${n}`), { force: true });
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    rows.push(`${w}x${h}  ${String(n).padStart(4)} frames  ${(n / res.elapsedS).toFixed(1).padStart(6)} frames/s  rss ${rssMb.toFixed(0)} MB`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
console.log('render bench (fig2 scenario, H.264 veryfast)\n' + rows.join('\n'));
