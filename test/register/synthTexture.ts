/**
 * Synthetic test scenes for the register stage with exact sub-pixel shifts: a crystal-like
 * texture defined as a continuous function (seeded random Gaussian grains on a gray level),
 * evaluated at x − d for a drift d, so no interpolation error enters the ground truth.
 */

import { gaussian, mulberry32 } from '../helpers/rng.js';

export { gaussian, mulberry32 };

interface Grain {
  x: number;
  y: number;
  amp: number;
  inv2s2: number;
  r: number;
}

/** A continuous textured scene: base level plus Gaussian grains (σ 1.5–3.5 px, ±15–45 gray). */
export class GrainScene {
  private readonly grains: Grain[] = [];
  constructor(
    readonly width: number,
    readonly height: number,
    seed: number,
    readonly base = 128,
    densityPerPx2 = 1 / 18,
  ) {
    const rand = mulberry32(seed);
    const pad = 24;
    const n = Math.round((width + 2 * pad) * (height + 2 * pad) * densityPerPx2);
    for (let k = 0; k < n; k++) {
      const s = 1.5 + 2 * rand();
      this.grains.push({
        x: -pad + rand() * (width + 2 * pad),
        y: -pad + rand() * (height + 2 * pad),
        amp: (rand() < 0.5 ? -1 : 1) * (15 + 30 * rand()),
        inv2s2: 1 / (2 * s * s),
        r: Math.ceil(4 * s),
      });
    }
  }

  /**
   * The scene seen through a stage drifted by (dx, dy): pixel (x, y) shows scene point
   * (x − dx, y − dy), times `gain`, plus Gaussian noise σ `noiseSigma`, rounded to gray8.
   * `darken(xs, ys)` (scene coordinates) returns a factor ≤ 1 for cracks drawn into the scene.
   */
  render(opts: { dxPx?: number; dyPx?: number; gain?: number; noiseSigma?: number; noiseSeed?: number; darken?: (xs: number, ys: number) => number } = {}): Uint8Array {
    const { width: W, height: H } = this;
    const dx = opts.dxPx ?? 0, dy = opts.dyPx ?? 0, g = opts.gain ?? 1;
    const acc = new Float64Array(W * H).fill(this.base);
    for (const gr of this.grains) {
      // Grain centre in image coordinates.
      const cx = gr.x + dx, cy = gr.y + dy;
      const x0 = Math.max(0, Math.floor(cx - gr.r)), x1 = Math.min(W - 1, Math.ceil(cx + gr.r));
      const y0 = Math.max(0, Math.floor(cy - gr.r)), y1 = Math.min(H - 1, Math.ceil(cy + gr.r));
      for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
        const ddx = x - cx, ddy = y - cy;
        acc[y * W + x] += gr.amp * Math.exp(-(ddx * ddx + ddy * ddy) * gr.inv2s2);
      }
    }
    const noise = opts.noiseSigma ? gaussian(mulberry32(opts.noiseSeed ?? 99)) : null;
    const out = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const i = y * W + x;
      let v = acc[i] * g;
      if (opts.darken) v *= opts.darken(x - dx, y - dy);
      if (noise) v += (opts.noiseSigma as number) * noise();
      out[i] = Math.max(0, Math.min(255, Math.round(v)));
    }
    return out;
  }
}
