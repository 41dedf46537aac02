/**
 * sharp (libvips), loaded on first use: its native library takes ≈ 0.1 s to load, and most runs
 * never need it (`lidtrack track` on a video reads frames through ffmpeg; sharp reads still
 * images and writes PNG figures and panels).
 */
import type sharpT from 'sharp';

let loading: Promise<typeof sharpT> | null = null;

export function loadSharp(): Promise<typeof sharpT> {
  return (loading ??= import('sharp').then((m) => (m as unknown as { default: typeof sharpT }).default ?? (m as unknown as typeof sharpT)));
}
