/**
 * Local end model of an isolated inclusion (src/track/inclusions/endModelFit.ts) on noise-free
 * synthetic images: a crack of half-width 3 px along u, Li (contrast 0.35) ending at a known e,
 * emptied crack (0.08) beyond, pixel-area integration (8×8 sub-samples) and a Gaussian PSF σ = 1 px.
 * Truth: the Li end e. Tolerance 0.05 px in a full-width crack, 0.08 px in the wedge tip (the
 * model's Gaussian PSF vs the pixel-area × Gaussian blur of the image: up to 0.05 px measured); the
 * half-level crossing is off by ≈ 0.3 px in the tip.
 */
import { describe, expect, it } from 'vitest';
import { fitInclusionEnd } from '../../src/track/inclusions/endModelFit.js';

function render(cw: number, ch: number, vc: number, e: number, tip: number, taper: number): Float32Array {
  const ideal = new Float64Array(cw * ch);
  const n = 8;
  for (let v = 0; v < ch; v++) {
    for (let u = 0; u < cw; u++) {
      let acc = 0;
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          const su = u - 0.5 + (a + 0.5) / n, sv = v - 0.5 + (b + 0.5) / n;
          const h = 3 * Math.min(1, Math.max(0, (tip - su) / taper));
          if (su < 2 || Math.abs(sv - vc) > h) continue;
          acc += su < e ? 0.35 : 0.08;
        }
      }
      ideal[v * cw + u] = acc / (n * n);
    }
  }
  const k = [-4, -3, -2, -1, 0, 1, 2, 3, 4].map((d) => Math.exp(-0.5 * d * d));
  const ks = k.reduce((x, y) => x + y, 0);
  const tmp = new Float64Array(cw * ch), out = new Float32Array(cw * ch);
  for (let v = 0; v < ch; v++) for (let u = 0; u < cw; u++) {
    let s = 0;
    for (let d = -4; d <= 4; d++) s += k[d + 4] * (ideal[v * cw + Math.min(cw - 1, Math.max(0, u + d))] ?? 0);
    tmp[v * cw + u] = s / ks;
  }
  for (let v = 0; v < ch; v++) for (let u = 0; u < cw; u++) {
    let s = 0;
    for (let d = -4; d <= 4; d++) s += k[d + 4] * tmp[Math.min(ch - 1, Math.max(0, v + d)) * cw + u];
    out[v * cw + u] = s / ks;
  }
  return out;
}

describe('inclusion end model', () => {
  const cw = 48, ch = 24, vc = 11.3;
  it('Li ending 2 px behind a wedge crack tip (extension mode): end within 0.08 px', () => {
    for (const e of [30.0, 30.35, 30.7]) {
      const D = render(cw, ch, vc, e, e + 2, 6);
      const start = Math.round(e) - 0.3; // a half-level-like estimate, short
      const r = fitInclusionEnd({ D, cw, ch, end: [start, vc], out: [1, 0], normal: [0, 1], contrast: 0.35, halfWidthPx: 3.5, crackContrast: 0.08 });
      expect(r).not.toBeNull();
      expect(Math.abs(start + r!.shiftPx - e)).toBeLessThan(0.08);
    }
  });
  it('Li ending in an emptied crack of full width (refill / dissolution): end within 0.05 px', () => {
    for (const e of [24.0, 24.5]) {
      const D = render(cw, ch, vc, e, 44, 6);
      const r = fitInclusionEnd({ D, cw, ch, end: [e + 0.4, vc], out: [1, 0], normal: [0, 1], contrast: 0.35, halfWidthPx: 3.5, crackContrast: 0.08 });
      expect(r).not.toBeNull();
      expect(Math.abs(e + 0.4 + r!.shiftPx - e)).toBeLessThan(0.05);
    }
  });
});
