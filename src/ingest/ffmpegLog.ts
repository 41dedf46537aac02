/**
 * Parsing ffmpeg's stderr when run with `-loglevel level+info` and a `showinfo` filter: one
 * line per frame with its presentation timestamp, and the decoder's warnings and errors.
 */

/** A frame line of the showinfo filter: `n:  12 pts: 6144 pts_time:0.4 ...`. */
export interface ShowinfoFrame {
  n: number;
  /** Timestamp in the filter's time base ticks; null for NOPTS. */
  pts: number | null;
  /** ffmpeg's own rendering of pts × time base (6 significant digits); fallback only. */
  ptsTimeS: number | null;
}

const SHOWINFO_FRAME = /\]\s*(?:\[info\]\s*)?n:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)\s+pts_time:(\S+)/;
const SHOWINFO_CONFIG = /\[Parsed_showinfo_\d+ @ [^\]]+\]\s*(?:\[info\]\s*)?config in time_base:\s*(\d+)\/(\d+)/;
const LEVEL = /\[(panic|fatal|error|warning)\]/;

/** The frame of a showinfo line, or null when the line is something else. */
export function parseShowinfoFrame(line: string): ShowinfoFrame | null {
  if (!line.includes('Parsed_showinfo_')) return null;
  const m = SHOWINFO_FRAME.exec(line);
  if (!m) return null;
  const ptsTime = Number(m[3]);
  return { n: Number(m[1]), pts: m[2] === 'NOPTS' ? null : Number(m[2]), ptsTimeS: Number.isFinite(ptsTime) ? ptsTime : null };
}

/** The time base showinfo works in (`config in time_base: 1/15360`), as [num, den], or null. */
export function parseShowinfoTimeBase(line: string): [number, number] | null {
  const m = SHOWINFO_CONFIG.exec(line);
  if (!m) return null;
  const num = Number(m[1]);
  const den = Number(m[2]);
  return num > 0 && den > 0 ? [num, den] : null;
}

/** The line without ffmpeg's `[context @ 0x…] [level]` prefixes when it is a warning or worse, else null. */
export function parseDecoderProblem(line: string): string | null {
  if (!LEVEL.test(line)) return null;
  const ctx = /\[([\w-]+) @ 0x[0-9a-f]+\]/i.exec(line)?.[1];
  const msg = line.replace(/\[[^\]]*@ 0x[0-9a-f]+\]\s*/gi, '').replace(LEVEL, '').trim();
  if (!msg) return null;
  return ctx ? `${ctx}: ${msg}` : msg;
}
