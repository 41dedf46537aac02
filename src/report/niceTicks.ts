/**
 * Round tick values (1-2-5 steps) covering [lo, hi], about `count` of them.
 * @returns ascending tick values inside [lo, hi]
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const base = 10 ** Math.floor(Math.log10(raw));
  const m = raw / base;
  const step = (m >= 5 ? 10 : m >= 2 ? 5 : m >= 1.5 ? 2 : 1) * base;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
