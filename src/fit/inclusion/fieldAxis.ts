/**
 * Image → model lab axis. Lab x runs from the stripping electrode A to the plating electrode B
 * (MODEL.md §0); the plating edge is the image edge where Li is plated while the current is
 * positive, so +x points toward the plating edge. Image coordinates: x right, y down.
 */
import type { PlatingEdge } from '../../core/types.js';

/**
 * Lab-axis coordinate [µm] of an image point [µm] (up to a constant offset).
 * @param platingEdge image edge of electrode B
 */
export function fieldAxisUm(xUm: number, yUm: number, platingEdge: PlatingEdge): number {
  switch (platingEdge) {
    case 'right':
      return xUm;
    case 'left':
      return -xUm;
    case 'bottom':
      return yUm;
    case 'top':
      return -yUm;
  }
}
