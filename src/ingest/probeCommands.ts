/**
 * The ffprobe runs of probeVideo (their arguments and limits), in a module of their own so that
 * the launcher's early start (src/cli/earlyStart.ts) runs exactly the commands probeVideo will.
 */

/** Packets read to judge timestamp regularity (and to count frames when the container does not). */
export const PROBE_MAX_PACKETS = 200_000;

/** Packets the first stage reads (a few ms of demuxing). */
export const FIRST_PACKETS = 64;

/** A run's time limit [ms]: the header, and a packet scan (which reads the whole file for a recording of up to PROBE_MAX_PACKETS frames). */
export const HEAD_TIMEOUT_MS = 60_000;
export const PACKETS_TIMEOUT_MS = 120_000;

/**
 * Packet timestamps of stream `sel` (an ffprobe stream specifier: 'v:0' or an index): demux only
 * (fast, no decode), one "pts" per line, of at most `max` packets.
 */
export function packetsArgs(path: string, sel: string, max: number): string[] {
  return ['-v', 'error', '-select_streams', sel, '-show_entries', 'packet=pts', '-read_intervals', `%+#${max}`, '-of', 'csv=p=0', path];
}

/** The container's format and streams, as JSON. */
export function headArgs(path: string): string[] {
  return ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', path];
}

/** The runs a staged probe (probeVideoStages: openVideo's) starts at once, in its order. */
export function stagedProbeRuns(path: string): Array<{ args: string[]; timeoutMs: number }> {
  return [
    { args: packetsArgs(path, 'v:0', PROBE_MAX_PACKETS), timeoutMs: PACKETS_TIMEOUT_MS },
    { args: packetsArgs(path, 'v:0', FIRST_PACKETS), timeoutMs: PACKETS_TIMEOUT_MS },
    { args: headArgs(path), timeoutMs: HEAD_TIMEOUT_MS },
  ];
}
