import { InputError } from '../../core/errors.js';
import type { CurrentSample } from './types.js';

/**
 * Check that a log covers [tStartS, tEndS] (the video, on the video clock after the offset).
 * A tolerance of one median sample interval is allowed at each end.
 * @throws InputError naming the file, what is covered and what is needed
 */
export function checkCurrentCovers(samples: readonly CurrentSample[], tStartS: number, tEndS: number, file: string): void {
  const n = samples.length;
  const dts: number[] = [];
  for (let i = 1; i < n; i++) dts.push(samples[i].tS - samples[i - 1].tS);
  dts.sort((a, b) => a - b);
  const tol = dts.length ? dts[dts.length >> 1] : 0;
  const t0 = samples[0].tS;
  const t1 = samples[n - 1].tS;
  if (t0 > tStartS + tol || t1 < tEndS - tol) {
    const line = t0 > tStartS + tol ? 'starts' : 'ends';
    throw new InputError(
      `${file}: the current log covers ${t0}–${t1} s but the video runs ${tStartS}–${tEndS} s (the log ${line} ${line === 'starts' ? 'after the video starts' : 'before the video ends'})`,
      'use the full log, or align the clocks with the clock offset',
    );
  }
}
