/**
 * The tabled normal CDF (src/track/normalTable.ts) against the double-precision one, and that one
 * against known values of Φ.
 */
import { describe, expect, it } from 'vitest';
import { exactCdf, normalCdfTable } from '../../src/track/normalTable.js';

describe('normal CDF', () => {
  it('exactCdf matches tabulated Φ to 1e-15 (Φ(0) = ½, Φ(1), Φ(−2), Φ(3), Φ(−5))', () => {
    const known: Array<[number, number]> = [
      [0, 0.5], [1, 0.8413447460685429], [-2, 0.022750131948179195], [3, 0.9986501019683699], [-5, 2.866515718791939e-7],
    ];
    for (const [x, p] of known) expect(Math.abs(exactCdf(x) - p)).toBeLessThan(1e-15 + 1e-12 * p);
  });

  it('normalCdfTable is within 1e-8 of exactCdf over [−9, 9] (off-grid points)', () => {
    let worst = 0;
    for (let x = -9; x <= 9; x += 0.0137) worst = Math.max(worst, Math.abs(normalCdfTable(x) - exactCdf(x)));
    expect(worst).toBeLessThan(1e-8);
  });
});
