/**
 * The accuracy benchmark's scenarios (issue 3): clean cases on each of the four plating edges
 * and with branching, one hard factor at a time, and all hard factors together. Built in code
 * on one base scene (two dendrites at 7.5 and 4 µm/s, 320×240, 0.5 µm/px, 64 frames @ 8 fps)
 * and validated by the render stage's scenario schema.
 */
import type { PlatingEdge } from '../../../src/core/types.js';

export interface AccuracyScenario {
  name: string;
  /** clean → targets RMSE ≤ 0.5 px, v and j_tip ≤ 1 %; hard → RMSE ≤ 1.5 px, v ≤ 3 %, no spurious track. */
  kind: 'clean' | 'hard';
  what: string;
  /** Raw scenario (the YAML structure of `lidtrack simulate`). */
  scenario: Record<string, unknown>;
}

interface Knobs {
  edge?: PlatingEdge;
  contrastPct?: number;
  noise?: number;
  driftPx?: number;
  jitterPx?: number;
  flickerPct?: number;
  crf?: number;
  dust?: boolean;
  branches?: boolean;
  seed?: number;
}

function scenario(k: Knobs): Record<string, unknown> {
  const edge = k.edge ?? 'bottom';
  const sideways = edge === 'left' || edge === 'right';
  // Along-edge extent: 160 µm (top/bottom, 320 px) or 120 µm (left/right, 240 px).
  const bases = sideways ? [35, 85] : [50, 112];
  return {
    description: `accuracy bench: ${JSON.stringify(k)}`,
    seed: k.seed ?? 31,
    frame: { width_px: 320, height_px: 240 },
    calibration: { um_per_px: 0.5, plating_edge: edge },
    timing: { fps: 8, n_frames: 64 },
    scene: {
      background: { level: 160, gradient_x_pct: 8, gradient_y_pct: -6, texture_pct: 1.5 },
      electrode: { thickness_um: 12, roughness_um: 0.8, wavelength_um: 40 },
      crack_contrast_pct: k.contrastPct ?? 35,
      dendrites: [
        {
          id: 1, base_um: bases[0], angle_deg: -6, length0_um: 3, speed_um_per_s: 7.5, width0_um: 3, widen_um_per_s: 0.5, width_max_um: 9,
          branches: k.branches
            ? [
                { at_length_um: 18, angle_deg: 35, length0_um: 0.5, speed_um_per_s: 3, width0_um: 1.5, widen_um_per_s: 0.3, width_max_um: 4 },
                { at_length_um: 30, angle_deg: -30, length0_um: 0.5, speed_um_per_s: 4, width0_um: 1.5, widen_um_per_s: 0.3, width_max_um: 4 },
              ]
            : [],
        },
        { id: 2, base_um: bases[1], angle_deg: 8, length0_um: 3, speed_um_per_s: 4, width0_um: 3, widen_um_per_s: 0.4, width_max_um: 8 },
      ],
      ...(k.dust ? { dust: { count: 14, radius_px: [1.5, 4.5], darkening_pct: 20, avoid_cracks_px: 6 }, scratches: { count: 3, width_px: 1.2, darkening_pct: 5 } } : {}),
    },
    optics: {
      blur_sigma_px: 1.1,
      noise_sigma: k.noise ?? 2.5,
      flicker_pct: k.flickerPct ?? 0,
      drift: { amplitude_px: k.driftPx ?? 0, jitter_px: k.jitterPx ?? 0 },
    },
    output: { format: 'mp4', crf: k.crf ?? 18 },
  };
}

const HARD: Knobs = { contrastPct: 8, noise: 8, driftPx: 6, jitterPx: 0.5, flickerPct: 3, crf: 30, dust: true };

export const ACCURACY_SCENARIOS: AccuracyScenario[] = [
  { name: 'clean-bottom', kind: 'clean', what: 'contrast 35 %, noise 2.5, crf 18', scenario: scenario({ edge: 'bottom' }) },
  { name: 'clean-top', kind: 'clean', what: 'plating edge top', scenario: scenario({ edge: 'top' }) },
  { name: 'clean-left', kind: 'clean', what: 'plating edge left', scenario: scenario({ edge: 'left' }) },
  { name: 'clean-right', kind: 'clean', what: 'plating edge right', scenario: scenario({ edge: 'right' }) },
  { name: 'branching', kind: 'clean', what: 'dendrite 1 branches at 18 and 30 µm', scenario: scenario({ branches: true }) },
  { name: 'contrast-8', kind: 'hard', what: 'crack 8 % darker', scenario: scenario({ contrastPct: 8 }) },
  { name: 'noise-8', kind: 'hard', what: 'sensor noise σ 8', scenario: scenario({ noise: 8 }) },
  { name: 'drift-6', kind: 'hard', what: 'drift 6 px + 0.5 px jitter', scenario: scenario({ driftPx: 6, jitterPx: 0.5 }) },
  { name: 'flicker-3', kind: 'hard', what: 'lamp flicker 3 %', scenario: scenario({ flickerPct: 3 }) },
  { name: 'crf-30', kind: 'hard', what: 'H.264 crf 30', scenario: scenario({ crf: 30 }) },
  { name: 'dust', kind: 'hard', what: '14 dust specks + 3 scratches', scenario: scenario({ dust: true }) },
  { name: 'hard-all-bottom', kind: 'hard', what: 'all hard factors, edge bottom', scenario: scenario({ ...HARD, edge: 'bottom' }) },
  { name: 'hard-all-left', kind: 'hard', what: 'all hard factors + branching, edge left', scenario: scenario({ ...HARD, edge: 'left', branches: true, seed: 32 }) },
];
