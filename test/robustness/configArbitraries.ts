/** fast-check generators of track configurations (as a user would write them in YAML). */
import fc from 'fast-check';

const posDouble = (max: number) => fc.double({ min: 1e-6, max, noNaN: true, noDefaultInfinity: true });

/** Any configuration that trackConfigSchema must accept (keys with defaults left out at random). */
export const validTrackConfig: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    input: fc.string({ minLength: 1, maxLength: 20 }),
    um_per_px: posDouble(1e3),
    plating_edge: fc.constantFrom('top', 'bottom', 'left', 'right'),
    out: fc.string({ minLength: 1, maxLength: 20 }),
    roi: fc.record({ x: fc.nat(4000), y: fc.nat(4000), width: fc.integer({ min: 1, max: 4000 }), height: fc.integer({ min: 1, max: 4000 }) }),
    timestamps: fc.string({ maxLength: 20 }),
    fps: posDouble(1e4),
    current: fc.string({ maxLength: 20 }),
    force: fc.boolean(),
    report: fc.boolean(),
    visuals: fc.boolean(),
    overlay_video: fc.boolean(),
    max_frames: fc.integer({ min: 1, max: 1e7 }),
    reference_frames: fc.integer({ min: 1, max: 51 }),
    segment: fc.record(
      { high_sigma: posDouble(50), low_sigma: posDouble(50), min_area_px: fc.integer({ min: 1, max: 1e4 }), blur_size_px: fc.integer({ min: 1, max: 31 }), closing_size_px: fc.integer({ min: 1, max: 99 }), dendrite_contrast: fc.double({ min: 0, max: 10, noNaN: true }) },
      { requiredKeys: [] },
    ),
    tips: fc.record({ min_prominence_px: posDouble(50), min_length_px: fc.double({ min: 0, max: 50, noNaN: true }) }, { requiredKeys: [] }),
    link: fc.record({ gate_px: posDouble(100), max_gap_frames: fc.nat(100) }, { requiredKeys: [] }),
    min_track_points: fc.integer({ min: 2, max: 100 }),
    min_growth_px: fc.double({ min: 0, max: 100, noNaN: true }),
    min_rate_length_px: fc.double({ min: 0, max: 100, noNaN: true }),
    require_growth: fc.boolean(),
    rate_window_points: fc.integer({ min: 5, max: 100 }),
  },
  { requiredKeys: ['input', 'um_per_px', 'plating_edge', 'out'] },
);

/** Where in a track configuration an extra key can go: the top level or one of the nested objects. */
export const NESTED_OBJECTS = ['', 'roi', 'segment', 'tips', 'link'] as const;
