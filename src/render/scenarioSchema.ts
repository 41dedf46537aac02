/**
 * The scenario file of `lidtrack simulate`: a strict zod schema with documented defaults.
 * Lengths of the sample (cracks, electrode) are in µm, image quantities (frame size, blur,
 * drift, dust) in px, gray levels on the 8-bit scale (a 16-bit output scales them by 257).
 */
import { z } from 'zod';
import { PLATING_EDGES } from '../core/types.js';

const pct = z.number().min(0).max(100);

/** One piece of a piecewise-constant tip speed: `speed_um_per_s` applies from `from_s` on. */
export const speedSegmentSchema = z.strictObject({
  from_s: z.number(),
  speed_um_per_s: z.number().min(0),
});

/**
 * Growth law of a leaf-shaped crack. The tip advances along the crack axis at the speed
 * (constant `speed_um_per_s`, or piecewise `speed_segments`); the leaf's maximum width grows
 * from `width0_um` at `widen_um_per_s` up to `width_max_um`.
 */
const growthShape = {
  /** Constant tip speed along the crack axis [µm/s]. */
  speed_um_per_s: z.number().min(0).optional(),
  /** Piecewise-constant tip speed (absolute times, sorted); speed 0 before the first piece. */
  speed_segments: z.array(speedSegmentSchema).min(1).optional(),
  /** Length of the crack when it appears [µm]. */
  length0_um: z.number().min(0).default(1),
  /** Maximum (full) leaf width when it appears [µm]. */
  width0_um: z.number().positive().default(1.5),
  /** Widening rate of the leaf's maximum width [µm/s]. */
  widen_um_per_s: z.number().min(0).default(0.2),
  /** Upper bound of the leaf's maximum width [µm]. */
  width_max_um: z.number().positive().default(8),
  /** Darkening of the Li-filled crack core [% of the local background]; default scene.crack_contrast_pct. */
  contrast_pct: pct.optional(),
};

/** A side branch of a dendrite, growing from its parent's axis. */
export const branchSchema = z.strictObject({
  /** Where on the parent's axis the branch starts [µm from the parent's base]; it appears when the parent's tip passes there. */
  at_length_um: z.number().positive(),
  /** Axis angle relative to the parent's axis [deg], positive towards +along-edge. */
  angle_deg: z.number().min(-85).max(85),
  ...growthShape,
});

/** A Li-filled crack connected to the plating electrode. */
export const dendriteSchema = z.strictObject({
  /** Track id (positive integer, unique). */
  id: z.number().int().positive(),
  /** Base position along the plating edge [µm from the image border at pixel coordinate −0.5: left border for top/bottom, top border for left/right]. */
  base_um: z.number(),
  /** Crack axis angle from the edge normal [deg], positive towards +x (top/bottom edge) or +y (left/right). */
  angle_deg: z.number().min(-80).max(80).default(0),
  /** Time the crack appears [s]. */
  start_s: z.number().default(0),
  ...growthShape,
  branches: z.array(branchSchema).default([]),
});

/** One sample of an isolated inclusion's trajectory (ends along its axis, µm from its origin). */
export const inclusionSampleSchema = z.strictObject({
  t_s: z.number(),
  /** End nearer the plating edge [µm along the axis]. */
  back_um: z.number(),
  /** End farther from the plating edge [µm along the axis]; > back_um. */
  front_um: z.number(),
  /** Extra Li-filled patches (redeposition) as [from_um, to_um] intervals along the axis. */
  patches_um: z.array(z.tuple([z.number(), z.number()])).default([]),
});

/**
 * A Model A run (src/model, MODEL.md §2) that drives an inclusion's ends from the scenario's
 * `current` log. Keys follow the MODEL.yaml of `lidtrack fit`. The inclusion starts with its
 * back end at 0 and its front end at `length_um` along its axis.
 */
export const modelASchema = z.strictObject({
  /** Initial Li length [µm]. */
  length_um: z.number().positive(),
  shape: z.enum(['strip', 'penny', 'sphere', 'prolate']).default('strip'),
  /** Long/short semi-axis ratio (prolate only). */
  aspect_ratio: z.number().min(1).optional(),
  sigma_mS_per_cm: z.number().positive().default(1),
  /** Turns the current log into j_n. */
  electrode_area_cm2: z.number().positive().default(0.25),
  /** Out-of-plane extent of the strip [µm] (cancels from strip velocities). */
  width_um: z.number().positive().default(400),
  temperature_K: z.number().positive().default(298.15),
  h_ext_um: z.number().positive().default(1),
  /** Default h_ext_um. */
  h_diss_um: z.number().positive().optional(),
  /** Default h_ext_um. */
  h_refill_um: z.number().positive().optional(),
  j0_mA_per_cm2: z.number().positive().default(5),
  alpha: z.number().gt(0).lt(1).default(0.5),
  /** Extension threshold [mV]; omitted → from K_IC and a = L/2 (MODEL.md §2.4). */
  eta_th_mV: z.number().min(0).optional(),
  eta_refill_mV: z.number().min(0).default(0),
  kinetics: z.enum(['bv', 'linear']).default('bv'),
});

/** An isolated Li inclusion (i-Li) inside a crack that touches no electrode. */
export const inclusionSchema = z.strictObject({
  id: z.number().int().positive(),
  /** Axis origin in image µm: [x_um, y_um] (pixel coordinates × µm/px). */
  origin_um: z.tuple([z.number(), z.number()]),
  /** Axis angle from the growth direction (away from the plating edge) [deg]. */
  angle_deg: z.number().min(-89).max(89).default(0),
  /** Crack opening, i.e. full width of the Li body [µm]. */
  width_um: z.number().positive().default(3),
  /** How far the crack tip runs ahead of the Li-filled front (and behind the back) [µm]. */
  crack_lead_um: z.number().min(0).default(1),
  /** Li darkening [%]; default scene.crack_contrast_pct. */
  contrast_pct: pct.optional(),
  /** Darkening of the emptied (depleted) crack [%]; default scene.depleted_contrast_pct. */
  depleted_contrast_pct: pct.optional(),
  /** Trajectory samples, strictly increasing in t_s; linear in between, held outside. Give this or `model`. */
  trajectory: z.array(inclusionSampleSchema).min(1).optional(),
  /** CSV file (t_s,back_um,front_um), relative to the scenario file, read into `trajectory` by loadScenario — e.g. exported from a Model B run. */
  trajectory_csv: z.string().min(1).optional(),
  /** Drive the ends by a Model A run instead (needs the scenario's `current` block). */
  model: modelASchema.optional(),
});

const backgroundSchema = z.strictObject({
  /** Mean crystal gray level (8-bit scale). */
  level: z.number().min(1).max(255).default(165),
  /** Illumination change across the frame width / height [% of level] (left→right, top→bottom). */
  gradient_x_pct: z.number().min(-90).max(90).default(8),
  gradient_y_pct: z.number().min(-90).max(90).default(-5),
  /** Static crystal texture, RMS-ish amplitude [% of level] and correlation length [px]. */
  texture_pct: pct.default(1.5),
  texture_scale_px: z.number().positive().default(6),
});

const electrodeSchema = z.strictObject({
  /** Mean depth of the Li | LLZO interface from the plating image border [µm]. */
  thickness_um: z.number().min(0).default(15),
  /** RMS waviness of the interface [µm]. */
  roughness_um: z.number().min(0).default(1),
  /** Dominant wavelength of the waviness [µm]. */
  wavelength_um: z.number().positive().default(40),
  /** Darkening of the electrode [% of background]. */
  darkening_pct: pct.default(70),
});

const dustSchema = z.strictObject({
  count: z.number().int().min(0).default(0),
  /** Disc radius range [px]. */
  radius_px: z.tuple([z.number().positive(), z.number().positive()]).default([1.5, 4]),
  darkening_pct: pct.default(25),
  /** Keep dust this far from every crack's final shape [px] (0: anywhere). */
  avoid_cracks_px: z.number().min(0).default(6),
});

const scratchSchema = z.strictObject({
  count: z.number().int().min(0).default(0),
  width_px: z.number().positive().default(1),
  darkening_pct: pct.default(6),
});

const driftSchema = z.strictObject({
  /** Smooth stage drift reached at the end of the recording [px]. */
  amplitude_px: z.number().min(0).default(0),
  /** Direction of the smooth drift [deg, image x towards y]; default: from the seed. */
  direction_deg: z.number().optional(),
  /** Per-frame random jitter, Gaussian σ per axis [px]. */
  jitter_px: z.number().min(0).default(0),
});

const opticsSchema = z.strictObject({
  /** Gaussian PSF σ [px] (0: none). */
  blur_sigma_px: z.number().min(0).max(20).default(1),
  /** Sensor noise, Gaussian σ [gray levels, 8-bit scale]. */
  noise_sigma: z.number().min(0).default(2),
  /** Lamp flicker: per-frame global gain 1 + f·u, u uniform in [−1, 1], f = flicker_pct/100. */
  flicker_pct: pct.default(0),
  drift: driftSchema.prefault({}),
});

const droppedSchema = z.strictObject({
  /** Written frame index after which nominal frames are missing. */
  after_frame: z.number().int().min(0),
  /** Number of missing nominal frames. */
  count: z.number().int().positive(),
});

const timingSchema = z.strictObject({
  /** Nominal frame rate [1/s]. */
  fps: z.number().positive().default(10),
  /** Frames written. */
  n_frames: z.number().int().positive().default(60),
  /** Time of the first nominal frame [s]. */
  start_s: z.number().min(0).default(0),
  /** Timestamp jitter: each frame moves by u/fps·jitter_frac/2, u uniform in [−1, 1] (< 1 keeps order). */
  jitter_frac: z.number().min(0).max(0.95).default(0),
  /** Gaps of dropped frames. */
  dropped: z.array(droppedSchema).default([]),
  /** Explicit timestamps [s] (strictly increasing); replaces fps/jitter/dropped. */
  times_s: z.array(z.number()).optional(),
  /** Timestamps are rounded to 1/time_base_hz (the container's time base) when irregular. */
  time_base_hz: z.number().int().positive().default(1000),
});

const outputSchema = z.strictObject({
  /** mp4 / mkv: H.264 (libx264); avi: MJPEG; tiff: multi-page TIFF + timestamps.csv; png: image sequence + timestamps.csv. */
  format: z.enum(['mp4', 'mkv', 'avi', 'tiff', 'png']).default('mp4'),
  /** H.264 constant rate factor (0 lossless … 51). */
  crf: z.number().int().min(0).max(51).default(18),
  /** x264 preset. */
  preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow']).default('medium'),
  /** MJPEG quantiser scale (2 best … 31). */
  mjpeg_q: z.number().int().min(2).max(31).default(3),
  /** Sample depth of TIFF / PNG output (videos are 8-bit). */
  bit_depth: z.union([z.literal(8), z.literal(16)]).default(8),
  /** Base name of the video / stack file (video.mp4, video.tif, video/ for PNG). */
  basename: z.string().regex(/^[A-Za-z0-9_-]+$/).default('video'),
});

const currentSchema = z.strictObject({
  /** Piecewise-constant cell current: current_mA applies from from_s on. */
  segments: z.array(z.strictObject({ from_s: z.number(), current_mA: z.number() })).min(1),
  /** Sampling period of current.csv [s]. */
  sample_period_s: z.number().positive().default(1),
});

/** The whole scenario. */
export const scenarioSchema = z.strictObject({
  /** Free text. */
  description: z.string().default(''),
  /** Seed of every random quantity (texture, interface, noise, jitter, dust …). */
  seed: z.number().int().default(1),
  frame: z.strictObject({
    width_px: z.number().int().min(8).max(8192),
    height_px: z.number().int().min(8).max(8192),
  }),
  calibration: z.strictObject({
    um_per_px: z.number().positive(),
    plating_edge: z.enum(PLATING_EDGES as unknown as ['top', 'bottom', 'left', 'right']),
  }),
  timing: timingSchema.prefault({}),
  scene: z
    .strictObject({
      background: backgroundSchema.prefault({}),
      electrode: electrodeSchema.prefault({}),
      /** Darkening of Li-filled cracks [% of local background] at the crack core. */
      crack_contrast_pct: pct.default(35),
      /** Darkening of emptied (depleted) cracks [%]: lighter than Li, darker than the crystal. */
      depleted_contrast_pct: pct.default(8),
      dendrites: z.array(dendriteSchema).default([]),
      inclusions: z.array(inclusionSchema).default([]),
      dust: dustSchema.prefault({}),
      scratches: scratchSchema.prefault({}),
    })
    .prefault({}),
  optics: opticsSchema.prefault({}),
  render: z
    .strictObject({
      /** Sub-samples per pixel side for anti-aliased coverage (n² per pixel). */
      supersample: z.number().int().min(1).max(16).default(6),
    })
    .prefault({}),
  output: outputSchema.prefault({}),
  current: currentSchema.optional(),
});

/** A validated scenario with every default filled in. */
export type Scenario = z.output<typeof scenarioSchema>;
export type DendriteSpec = z.output<typeof dendriteSchema>;
export type BranchSpec = z.output<typeof branchSchema>;
export type InclusionSpec = z.output<typeof inclusionSchema>;
export type SpeedSegment = z.output<typeof speedSegmentSchema>;
export type InclusionSample = z.output<typeof inclusionSampleSchema>;
export type ModelASpec = z.output<typeof modelASchema>;
