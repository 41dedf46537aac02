/**
 * Scale-bar lengths: the 1-2-5 series, as microscopists label them.
 */

/**
 * The largest 1, 2 or 5 × 10^k not above `targetUm` (at least the smallest step below it).
 * @param targetUm wanted bar length [µm], > 0
 * @returns a round bar length [µm]
 * @example niceScaleBarUm(37) === 20; niceScaleBarUm(0.7) === 0.5
 */
export function niceScaleBarUm(targetUm: number): number {
  if (!(targetUm > 0) || !Number.isFinite(targetUm)) throw new RangeError(`scale bar target must be a positive length in µm, got ${targetUm}`);
  const exp = Math.floor(Math.log10(targetUm));
  const base = 10 ** exp;
  const m = targetUm / base;
  const step = m >= 5 ? 5 : m >= 2 ? 2 : 1;
  return Number((step * base).toPrecision(3));
}

/** Label of a scale bar length, e.g. "20 µm", "0.5 µm". */
export function scaleBarLabel(lengthUm: number): string {
  return `${Number(lengthUm.toPrecision(3))} µm`;
}

/** Burned-in time label: "t = 12.5 s" below 100 s, whole seconds above, plus h:mm:ss from 1 h. */
export function timeLabel(tS: number): string {
  if (Math.abs(tS) < 100) return `t = ${tS.toFixed(1)} s`;
  const whole = Math.round(tS);
  if (Math.abs(tS) < 3600) return `t = ${whole} s`;
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return `t = ${whole} s (${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')})`;
}
