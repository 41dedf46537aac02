import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import type { TrackPoint } from './runFolderTypes.js';
import { simpleTracksXml, trackMateXml, type TrackMateMeta } from './trackMateXml.js';

/**
 * Write DIR/tracks.trackmate.xml (Fiji: Plugins › Tracking › Load a TrackMate file) and
 * DIR/tracks.simple.xml (TrackMate's simple tracks.xml format), atomically.
 * @returns the two paths
 */
export function writeTrackMate(dir: string, tracks: TrackPoint[], meta: TrackMateMeta): string[] {
  const full = join(dir, 'tracks.trackmate.xml');
  const simple = join(dir, 'tracks.simple.xml');
  writeFileAtomic(full, trackMateXml(tracks, meta));
  writeFileAtomic(simple, simpleTracksXml(tracks, meta));
  return [full, simple];
}
