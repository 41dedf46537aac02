/** Validation of a region of interest against the frame size. */
import type { RoiPx } from '../core/types.js';
import { InputError } from '../core/errors.js';

/**
 * Throw InputError (naming --roi, the rule, the value and the frame size) unless `roi` is a
 * rectangle of whole pixels inside a width×height frame.
 */
export function checkRoi(roi: RoiPx, width: number, height: number, sourceName: string): RoiPx {
  const v = `${roi.x},${roi.y},${roi.width},${roi.height}`;
  const ints = [roi.x, roi.y, roi.width, roi.height].every((n) => Number.isInteger(n));
  if (!ints || roi.x < 0 || roi.y < 0 || roi.width < 1 || roi.height < 1) {
    throw new InputError(`--roi must be x,y,w,h in whole pixels with x,y ≥ 0 and w,h ≥ 1; got ${v}`, 'e.g. --roi 100,50,640,480');
  }
  if (roi.x + roi.width > width || roi.y + roi.height > height) {
    throw new InputError(
      `--roi ${v} reaches outside the ${width}×${height} px frames of ${sourceName}`,
      `keep x + w ≤ ${width} and y + h ≤ ${height}`,
    );
  }
  return roi;
}
