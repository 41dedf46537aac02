/** Which kind of input a path is (its own module: the launcher's early start asks it too, src/cli/earlyStart.ts). */
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { InputError } from '../core/errors.js';
import { isSequencePattern } from './listImageSequence.js';

/** What kind of input a path is. */
export type SourceKind = 'video' | 'tiff-stack' | 'image-sequence';

/**
 * Classify an input path: a folder or a %d / * pattern is an image sequence, a .tif/.tiff
 * file a TIFF stack, any other file a video container.
 * @throws InputError when the path does not exist
 */
export function sourceKind(path: string): SourceKind {
  if (isSequencePattern(path)) return 'image-sequence';
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new InputError(`input not found: ${path}`, 'give a video file, a TIFF stack, a folder of images or a pattern such as frames/img_%04d.png');
  }
  if (isDir) return 'image-sequence';
  const ext = extname(path).toLowerCase();
  return ext === '.tif' || ext === '.tiff' ? 'tiff-stack' : 'video';
}
