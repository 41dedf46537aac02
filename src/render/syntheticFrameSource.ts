/**
 * A scenario as an in-memory FrameSource (src/core/types.ts): the same 8-bit frames and true
 * timestamps `lidtrack simulate` would encode, without a video file or codec in between.
 * For tests and model validation of the analysis stages; streamed, one frame at a time.
 */
import type { Frame, FrameSource, VideoInfo } from '../core/types.js';
import { buildScene } from './buildScene.js';
import { renderFrame } from './renderFrame.js';
import type { Scenario } from './scenarioSchema.js';

/** FrameSource of a validated scenario (frames rendered lazily, 8-bit gray). */
export function syntheticFrameSource(sc: Scenario): FrameSource {
  const scene = buildScene(sc);
  const times = scene.clock.timesS;
  const info: VideoInfo = {
    path: `synthetic:${sc.description || 'scenario'}`,
    format: 'synthetic',
    codec: 'none',
    width: sc.frame.width_px,
    height: sc.frame.height_px,
    nominalFps: sc.timing.fps,
    frameCount: times.length,
    durationS: times[times.length - 1] - times[0],
    irregularTimestamps: scene.clock.irregular,
    bitDepth: 8,
    grayConversion: 'none (rendered gray)',
  };
  return {
    info,
    async *frames(): AsyncIterable<Frame> {
      for (let i = 0; i < times.length; i++) {
        yield { index: i, tS: times[i], width: info.width, height: info.height, data: renderFrame(scene, i, 8) as Uint8Array };
      }
    },
  };
}
