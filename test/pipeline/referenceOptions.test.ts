/**
 * The reference's options from the track configuration (runTrack referenceOptionsOf): the
 * `segment` keys given override the stage's defaults, the others keep them.
 */
import { describe, expect, it } from 'vitest';
import { referenceOptionsOf } from '../../src/pipeline/runTrack.js';
import { trackConfigSchema } from '../../src/pipeline/trackConfig.js';
import { DEFAULT_REFERENCE_OPTIONS } from '../../src/segment/reference.js';

describe('reference options from the configuration', () => {
  it('track.segment.dendrite_contrast reaches the reference (default 1.5; 0 = by depth alone)', () => {
    const seg = trackConfigSchema.parse({ input: 'x', um_per_px: 1, plating_edge: 'top', out: 'o' }).segment;
    expect(referenceOptionsOf(seg).dendriteContrast).toBe(1.5);
    expect(referenceOptionsOf({ ...seg, dendrite_contrast: 0 }).dendriteContrast).toBe(0);
    expect(referenceOptionsOf({ ...seg, closing_size_px: 41 })).toEqual({ ...DEFAULT_REFERENCE_OPTIONS, closingSizePx: 41 });
  });
});
