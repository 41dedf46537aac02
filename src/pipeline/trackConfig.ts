/**
 * The configuration of a `track` run: one strict schema shared by the CLI flags and the
 * pipeline YAML, so every option exists in both and is validated once, at the entry.
 */
import { z } from 'zod';
import { PLATING_EDGES } from '../core/types.js';

export const trackConfigSchema = z.strictObject({
  /** Recording: video file, multi-page TIFF, or image-sequence folder/pattern. */
  input: z.string().min(1),
  /** Scale [µm/px]. */
  um_per_px: z.number().positive().finite(),
  plating_edge: z.enum(PLATING_EDGES as unknown as [string, ...string[]]),
  out: z.string().min(1),
  roi: z
    .strictObject({ x: z.number().int().nonnegative(), y: z.number().int().nonnegative(), width: z.number().int().positive(), height: z.number().int().positive() })
    .optional(),
  timestamps: z.string().optional(),
  fps: z.number().positive().finite().optional(),
  current: z.string().optional(),
  /** Video time = log time + this offset [s] (aligns the potentiostat clock to the video). */
  current_offset_s: z.number().finite().default(0),
  /**
   * Correct stage drift against frame 0 (writes drift.csv). Off by default: on a weakly textured
   * crystal a large moving inclusion can dominate the correlation and be mistaken for drift
   * (no crack mask is fed to the registration yet). Lamp flicker is always corrected (segment).
   */
  register: z.boolean().default(false),
  force: z.boolean().default(false),
  /**
   * Continue an interrupted run in `out` from its last checkpoint (OUT/.checkpoint) instead of
   * starting over; the other settings and the input must be those of the interrupted run.
   */
  resume: z.boolean().default(false),
  report: z.boolean().default(true),
  /** Key-frame panels and kymographs (a second pass over the recording; needs report). */
  visuals: z.boolean().default(true),
  /** Annotated H.264 overlay video of the whole run (needs report and visuals). */
  overlay_video: z.boolean().default(true),
  max_frames: z.number().int().positive().optional(),
  /** Frames whose median is the reference image. */
  reference_frames: z.number().int().min(1).max(51).default(5),
  segment: z
    .strictObject({
      high_sigma: z.number().positive().optional(),
      low_sigma: z.number().positive().optional(),
      min_area_px: z.number().int().positive().optional(),
      blur_size_px: z.number().int().positive().optional(),
      closing_size_px: z.number().int().positive().optional(),
      /**
       * A dark feature of the reference touching the interface is a dendrite present at the start
       * (filled, so that it is tracked from the first frame) when its peak darkening reaches this
       * many dark-feature thresholds (ReferenceOptions.dendriteContrast).
       */
      dendrite_contrast: z.number().nonnegative().optional(),
      /**
       * Segment the whole frame every this many frames; in between only the interface band and
       * the surroundings of known cracks (src/segment/roiScheduler.ts). 1 = every frame whole.
       */
      full_frame_every: z.number().int().min(1).default(12),
      /**
       * Between whole frames, the band along the electrode interface (where new dendrites start)
       * is segmented every this many frames; the surroundings of known cracks every frame. 1 = every frame.
       */
      interface_band_every: z.number().int().min(1).default(3),
      /**
       * Between whole frames, a tile of a dendrite farther than 64 px from every tip found lately
       * is segmented only once every this many frames (in between its last segmentation is
       * reused: src/segment/roiScheduler.ts). 1 = every tile every frame.
       */
      freeze_every: z.number().int().min(1).default(4),
    })
    .prefault({}),
  tips: z
    .strictObject({
      min_prominence_px: z.number().positive().optional(),
      min_length_px: z.number().nonnegative().optional(),
      /** Find branch ends too (branches.csv). */
      branches: z.boolean().default(true),
      branch_min_length_px: z.number().positive().optional(),
      /**
       * Look for branch ends in every dendrite on two consecutive frames of every this many; in
       * between only in dendrites that had one in the 4 frames before (findTips' BranchSearch). A
       * new branch is then found up to this many − 2 frames after it appears. 1 = every dendrite, every frame.
       */
      branch_search_every: z.number().int().min(1).default(6),
    })
    .prefault({}),
  link: z
    .strictObject({
      gate_px: z.number().positive().optional(),
      max_gap_frames: z.number().int().nonnegative().optional(),
      /** Join pieces of one dendrite the frame-by-frame linking left apart (side by side or one after the other). */
      merge_fragments: z.boolean().default(true),
    })
    .prefault({}),
  /** Tracks with fewer points are dropped. */
  min_track_points: z.number().int().min(2).default(3),
  /** Tracks found in less than this fraction of the frames they span are dropped. */
  min_duty: z.number().min(0).max(1).default(0.3),
  /** Tracks that grow less than this over the run are static features, not dendrites [px]. */
  min_growth_px: z.number().nonnegative().default(5),
  /** Tips nearer the interface than this are not used for the velocity fit [px]. */
  min_rate_length_px: z.number().nonnegative().default(16),
  /**
   * Keep only tracks that grow significantly (lower 95 % bound of the velocity > 0): static dark
   * features touching the electrode (dust, scratches, pits) are not dendrites.
   */
  require_growth: z.boolean().default(true),
  /** Tracks whose tip never gets this far from the interface (normal distance) are dropped [px]. */
  min_height_px: z.number().nonnegative().default(8),
  /** Tracks growing more than this from the electrode normal are dropped (features moving along the interface) [deg]. */
  max_tilt_deg: z.number().min(0).max(89).default(60),
  /** A dendrite is initiated when its tip first gets this far from its base [µm] (summary initiation_t_s). */
  initiation_length_um: z.number().nonnegative().default(5),
  /** Points per window of the windowed velocity series. */
  rate_window_points: z.number().int().min(5).default(15),
});

export type TrackConfigInput = z.input<typeof trackConfigSchema>;
export type TrackConfig = z.output<typeof trackConfigSchema>;

export const TRACK_CONFIG_KEYS = Object.keys(trackConfigSchema.shape);
