/** Parse inclusions.csv (SPEC.md "Outputs of track / run") into per-frame observations. */
import { InputError } from '../../core/errors.js';
import type { InclusionPoint } from '../../core/types.js';
import { readNumericColumns } from './csvRecords.js';

/** One inclusion in one frame: a row of inclusions.csv and where it came from. */
export interface InclusionObservation extends InclusionPoint {
  /** 1-based line in the source file. */
  line: number;
}

/** Contract columns of inclusions.csv. */
export const INCLUSION_CSV_COLUMNS = [
  'inclusion_id', 'frame', 't_s', 'front_x_um', 'front_y_um', 'back_x_um', 'back_y_um', 'centroid_x_um', 'centroid_y_um', 'area_um2',
] as const;

/**
 * @param text contents of inclusions.csv
 * @param source file name for messages
 * @throws InputError on missing columns, non-numeric cells, non-integer ids/frames or no rows
 */
export function parseInclusionsCsv(text: string, source = 'inclusions.csv'): InclusionObservation[] {
  const { columns: c, lines } = readNumericColumns(text, source, INCLUSION_CSV_COLUMNS);
  if (lines.length === 0) throw new InputError(`${source}: no data rows`, 'run `lidtrack track` first, or check that an inclusion was detected');
  const out: InclusionObservation[] = [];
  for (let i = 0; i < lines.length; i++) {
    const id = c.inclusion_id[i];
    const frame = c.frame[i];
    if (!Number.isInteger(id) || !Number.isInteger(frame) || frame < 0) {
      throw new InputError(`${source}:${lines[i]}: inclusion_id and frame must be non-negative integers, got ${id} and ${frame}`, `fix line ${lines[i]}`);
    }
    out.push({
      inclusionId: id,
      frame,
      tS: c.t_s[i],
      frontXUm: c.front_x_um[i],
      frontYUm: c.front_y_um[i],
      backXUm: c.back_x_um[i],
      backYUm: c.back_y_um[i],
      centroidXUm: c.centroid_x_um[i],
      centroidYUm: c.centroid_y_um[i],
      areaUm2: c.area_um2[i],
      line: lines[i],
    });
  }
  return out;
}
