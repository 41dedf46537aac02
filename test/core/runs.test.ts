/**
 * fillRunI32 / copyRunF32 / copyRunI32 write exactly the run [i0, i1), short (loop) or long
 * (built-ins), and nothing around it.
 */
import { describe, expect, it } from 'vitest';
import { copyRunF32, copyRunI32, fillRunI32 } from '../../src/core/runs.js';

describe('runs', () => {
  it('fill and copy exactly [i0, i1) for runs of 0 to 100 elements at every offset', () => {
    const n = 300;
    const srcF = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3), srcI = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 1000 - 500);
    for (let len = 0; len <= 100; len += 3) {
      for (const i0 of [0, 1, 17, 150, n - len]) {
        const i1 = i0 + len;
        const f = new Int32Array(n).fill(-1), df = new Float32Array(n).fill(-1), di = new Int32Array(n).fill(-1);
        fillRunI32(f, 9, i0, i1);
        copyRunF32(df, srcF, i0, i1);
        copyRunI32(di, srcI, i0, i1);
        for (let i = 0; i < n; i++) {
          const inside = i >= i0 && i < i1;
          expect(f[i]).toBe(inside ? 9 : -1);
          expect(df[i]).toBe(inside ? srcF[i] : -1);
          expect(di[i]).toBe(inside ? srcI[i] : -1);
        }
      }
    }
  });
});
