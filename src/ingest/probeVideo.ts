/**
 * probeVideo: what the container says about a recording, read with ffprobe without decoding:
 * codec, size, nominal rate, frame count, duration, and whether the frame timestamps are
 * evenly spaced (from the packet timestamps, a demux-only read).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { VideoInfo } from '../core/types.js';
import { InputError, VideoDecodeError } from '../core/errors.js';
import { resolveFfmpeg } from './binaries.js';
import { bitDepthOfPixFmt, videoGrayConversion } from './grayConversion.js';
import { runProcess, type ProcessResult } from './runProcess.js';
import { analyzeTimestamps, type TimestampCheck } from './analyzeTimestamps.js';

/** Demuxers whose packets carry no real per-frame times: ffmpeg invents them from a rate. */
const FORMATS_WITHOUT_TIMESTAMPS = new Set([
  'h264', 'hevc', 'mjpeg', 'mpjpeg', 'rawvideo', 'm4v', 'mpegvideo', 'cavsvideo', 'vc1', 'image2', 'image2pipe',
  'avs2', 'dirac', 'dnxhd', 'yuv4mpegpipe', 'tiff_pipe', 'png_pipe', 'jpeg_pipe', 'bmp_pipe',
]);

/** Packets read to judge timestamp regularity (and to count frames when the container does not). */
export const PROBE_MAX_PACKETS = 200_000;

/** Everything probeVideo learns; a VideoInfo plus the details `lidtrack probe` shows. */
export interface ProbeResult extends VideoInfo {
  /** Index of the decoded video stream in the container. */
  streamIndex: number;
  pixFmt: string;
  /** ffprobe's color_range: tv (limited), pc (full) or null if unknown. */
  colorRange: string | null;
  /** Stream time base, e.g. "1/15360". */
  timeBase: string;
  /** r_frame_rate and avg_frame_rate as ffprobe reports them ("30/1"). */
  rFrameRate: string;
  avgFrameRate: string;
  /** Presentation time of the stream start [s] (frames are reported relative to the first frame). */
  startTimeS: number | null;
  /** Where frameCount came from: the container header, a count of packets, or unknown. */
  frameCountSource: 'container' | 'packets' | null;
  /** False for raw streams (H.264 elementary, MJPEG, y4m) whose times ffmpeg derives from a rate. */
  hasTimestamps: boolean;
  /** The packet-timestamp analysis behind irregularTimestamps (null when there were no pts). */
  timestampCheck: TimestampCheck | null;
  /** Other streams in the file (audio, subtitles), for information. */
  otherStreams: string[];
  /**
   * The packets end more than 2.5 frame intervals before the stated duration: the file was
   * probably cut short (interrupted recording). Decoding keeps every frame that is there.
   */
  possiblyTruncated: boolean;
}

interface FfprobeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  color_range?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  time_base?: string;
  start_time?: string;
  duration?: string;
  nb_frames?: string;
  bits_per_raw_sample?: string;
  disposition?: { attached_pic?: number };
}
interface FfprobeFormat {
  format_name?: string;
  duration?: string;
}

/** "30000/1001" → 29.97; null for 0/0, N/A or non-positive. */
export function parseRational(r: string | undefined): number | null {
  if (!r) return null;
  const m = /^(-?\d+)\/(\d+)$/.exec(r.trim());
  if (!m) {
    const x = Number(r);
    return Number.isFinite(x) && x > 0 ? x : null;
  }
  const num = Number(m[1]);
  const den = Number(m[2]);
  return den > 0 && num > 0 ? num / den : null;
}

function num(s: string | undefined): number | null {
  if (s === undefined || s === 'N/A' || s === '') return null;
  const x = Number(s);
  return Number.isFinite(x) ? x : null;
}

/** Throw InputError unless `path` is an existing, non-empty regular file. */
export function assertReadableFile(path: string, what = 'video file'): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new InputError(`${what} not found: ${path}`, 'check the path (relative paths start from the current folder)');
  }
  if (!st.isFile()) throw new InputError(`${path} is not a file`, `give the path of the ${what}`);
  if (st.size === 0) throw new VideoDecodeError(`${path} is empty (0 bytes)`, 'the recording was not written completely; export it again from the acquisition software');
}

/** True when the file starts like an ISO-BMFF (MP4/MOV) file: a box of type ftyp/wide/mdat/moov. */
function hasMp4Header(path: string): boolean {
  const b = Buffer.alloc(12);
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    readSync(fd, b, 0, 12, 0);
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
  return ['ftyp', 'wide', 'mdat', 'moov', 'free'].includes(b.toString('latin1', 4, 8));
}

function ffprobeFailure(path: string, stderr: string): VideoDecodeError {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines[lines.length - 1] ?? 'ffprobe failed';
  const said = last.replace(/^.*?:\s*(?=[A-Z][a-z])/, '');
  if (/moov atom not found/.test(stderr) && hasMp4Header(path)) {
    return new VideoDecodeError(
      `${path} is not a readable video: its MP4/MOV index (moov atom) is missing`,
      'the file is not a video, or the recording stopped before the file was finalised; re-export it, or recover it with a tool such as untrunc',
    );
  }
  if (/^End of file$/i.test(said)) {
    return new VideoDecodeError(`${path} has no frames (the file ends right after its header)`, 'the recording is empty or was cut off at the start; export it again');
  }
  return new VideoDecodeError(
    `${path} is not a readable video (ffprobe: ${said})`,
    'give a video file (MP4, AVI, MKV, MOV), a TIFF stack, or a folder of images; `lidtrack probe FILE` shows what ffprobe sees',
  );
}

/**
 * Probe a video container. Reads the header and the packet timestamps (demux only, no decode)
 * of up to PROBE_MAX_PACKETS packets.
 * @throws InputError when the file is missing; VideoDecodeError when it is empty, not a video,
 *   has no video stream (e.g. audio only), or has no frames.
 */
export async function probeVideo(path: string): Promise<ProbeResult> {
  return (await probeVideoStagesOf(path, false)).full;
}

/**
 * probeVideo in two stages, for a decode that need not wait for the packet scan: `first` from
 * the header and the first FIRST_PACKETS packets (is there a video, its frames, does it carry
 * timestamps), as soon as they are read; `full`, probeVideo's result, when the scan of up to
 * PROBE_MAX_PACKETS packets is done. The scan reads the whole file for a recording of up to
 * PROBE_MAX_PACKETS frames — 1.3 s for the 10-minute 1080p bench file (413 MB, from the page
 * cache), far longer from a disk — and decoding started only after it (openVideo now starts it
 * after `first`, and the scan goes on meanwhile). `first` equals `full` when the file has fewer
 * packets than FIRST_PACKETS; otherwise it has full's header fields, and its frame count, timestamp
 * regularity and truncation are those of a partial scan (the container's count, else unknown).
 */
export async function probeVideoStages(path: string): Promise<ProbeStages> {
  return probeVideoStagesOf(path, true);
}

export interface ProbeStages {
  first: ProbeResult;
  full: Promise<ProbeResult>;
  /** End the scan now (e.g. an interrupted run): `full` then holds what it had read (incomplete). */
  stopScan(): void;
}

/** Packets the first stage reads (a few ms of demuxing). */
export const FIRST_PACKETS = 64;

async function probeVideoStagesOf(path: string, staged: boolean): Promise<ProbeStages> {
  assertReadableFile(path);
  const { ffprobe } = resolveFfmpeg();
  const scan = new AbortController();
  const stopScan = () => scan.abort();
  // Packet timestamps: demux only (fast, no decode). Compact output "pts=123|flags=K_". They are
  // read at the same time as the header, from the first video stream (the one used unless it is
  // an attached picture: then read again below), instead of one ffprobe after the other.
  const packetsOf = (sel: string, max: number) => runProcess(
    ffprobe.path,
    ['-v', 'error', '-select_streams', sel, '-show_entries', 'packet=pts', '-read_intervals', `%+#${max}`, '-of', 'csv=p=0', path],
    { timeoutMs: 120_000, signal: max === PROBE_MAX_PACKETS ? scan.signal : undefined },
  );
  // (staged: the scan starts after the first stage, below — run beside the header's and the
  // first packets' ffprobes it slowed them, and the decoder waits for those: ffmpeg was spawned
  // ≈ 0.237 s after the process started with it, ≈ 0.22 s without)
  const firstPackets = staged ? null : packetsOf('v:0', PROBE_MAX_PACKETS);
  firstPackets?.catch(() => undefined); // awaited below, once the header says the file is a video
  const fewPackets = staged ? packetsOf('v:0', FIRST_PACKETS) : null;
  fewPackets?.catch(() => undefined);
  const head = await runProcess(ffprobe.path, ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', path], {
    timeoutMs: 60_000,
  });
  if (head.code !== 0) throw ffprobeFailure(path, head.stderr);
  let parsed: { streams?: FfprobeStream[]; format?: FfprobeFormat };
  try {
    parsed = JSON.parse(head.stdout) as typeof parsed;
  } catch {
    throw ffprobeFailure(path, head.stderr || 'unreadable ffprobe output');
  }
  const streams = parsed.streams ?? [];
  const format = parsed.format ?? {};
  if (!parsed.format || (streams.length === 0 && !head.stdout.includes('"streams"'))) throw ffprobeFailure(path, head.stderr);
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const otherStreams = streams.filter((s) => s !== video).map((s) => `${s.codec_type ?? 'unknown'} ${s.codec_name ?? ''}`.trim());
  if (format.format_name === 'tty' || video?.codec_name === 'ansi') {
    throw new VideoDecodeError(`${path} is not a video (ffprobe reads it as text)`, 'give a video file (MP4, AVI, MKV, MOV), a TIFF stack, or a folder of images');
  }
  if (!video) {
    throw new VideoDecodeError(
      `${path} has no video stream (found: ${otherStreams.length ? otherStreams.join(', ') : 'no streams'})`,
      'give the video recording itself, not an audio or data file',
    );
  }
  if (!video.width || !video.height) {
    throw new VideoDecodeError(`${path}: video stream ${video.index} has no frame size`, 'the stream is damaged or uses an unsupported codec; re-export it as MP4 (H.264) or AVI (MJPEG)');
  }
  const frameWidth = video.width, frameHeight = video.height;

  const firstVideo = streams.find((s) => s.codec_type === 'video');
  const scanPackets = () => (firstPackets !== null && firstVideo === video ? firstPackets : packetsOf(String(video.index), PROBE_MAX_PACKETS));
  const resultOf = (pk: ProcessResult, max: number): ProbeResult => {
    const ptsList: Array<number | null> = [];
    for (const line of pk.stdout.split('\n')) {
      const t = line.trim().replace(/,$/, '');
      if (!t) continue;
      const v = Number(t);
      ptsList.push(Number.isFinite(v) ? v : null);
    }
    const packetsComplete = pk.code === 0 && ptsList.length < max;
    const timeBase = video.time_base ?? '1/1';
    const tb = parseRational(timeBase) ?? 1;
    const check = analyzeTimestamps(
      ptsList.filter((p): p is number => p !== null),
      tb,
      packetsComplete,
    );

    let frameCount: number | null = null;
    let frameCountSource: ProbeResult['frameCountSource'] = null;
    const nb = num(video.nb_frames);
    if (nb !== null && nb > 0) {
      frameCount = nb;
      frameCountSource = 'container';
    } else if (packetsComplete) {
      frameCount = ptsList.length;
      frameCountSource = 'packets';
    }
    if (packetsComplete && ptsList.length === 0) {
      throw new VideoDecodeError(`${path} has a video stream but no frames`, 'the recording is empty; check the export settings of the acquisition software');
    }

    const formatName = format.format_name ?? 'unknown';
    const allNoPts = ptsList.length > 0 && ptsList.every((p) => p === null);
    const hasTimestamps = !FORMATS_WITHOUT_TIMESTAMPS.has(formatName) && !allNoPts;
    const pixFmt = video.pix_fmt ?? 'unknown';
    const bitsRaw = num(video.bits_per_raw_sample);
    const bitDepth = bitsRaw && bitsRaw > 0 ? bitsRaw : bitDepthOfPixFmt(pixFmt);
    const colorRange = video.color_range && video.color_range !== 'unknown' ? video.color_range : null;
    const avg = parseRational(video.avg_frame_rate);
    const rr = parseRational(video.r_frame_rate);
    const durationS = num(video.duration) ?? num(format.duration);

    let ptsMin = Infinity;
    let ptsMax = -Infinity;
    for (const p of ptsList) {
      if (p === null) continue;
      if (p < ptsMin) ptsMin = p;
      if (p > ptsMax) ptsMax = p;
    }
    // Span of the packets plus one frame, against the stated duration.
    const coveredS = check && ptsMax >= ptsMin ? (ptsMax - ptsMin) * tb + check.medianIntervalS : null;
    const possiblyTruncated = packetsComplete && check !== null && coveredS !== null && durationS !== null && durationS - coveredS > 2.5 * check.medianIntervalS;

    return {
      path,
      format: formatName,
      codec: video.codec_name ?? 'unknown',
      width: frameWidth,
      height: frameHeight,
      nominalFps: avg ?? rr,
      frameCount,
      durationS,
      irregularTimestamps: hasTimestamps && check ? check.irregular : null,
      bitDepth,
      grayConversion: videoGrayConversion(pixFmt, colorRange, bitDepth),
      streamIndex: video.index,
      pixFmt,
      colorRange,
      timeBase,
      rFrameRate: video.r_frame_rate ?? 'N/A',
      avgFrameRate: video.avg_frame_rate ?? 'N/A',
      startTimeS: num(video.start_time),
      frameCountSource,
      hasTimestamps,
      timestampCheck: check,
      otherStreams,
      possiblyTruncated,
    };
  };
  if (!fewPackets || firstVideo !== video) {
    const r = resultOf(await scanPackets(), PROBE_MAX_PACKETS);
    return { first: r, full: Promise.resolve(r), stopScan };
  }
  const fewPk = await fewPackets;
  const few = resultOf(fewPk, FIRST_PACKETS);
  // a short file: its first packets are all of them (the full scan would read the same)
  const nFew = fewPk.stdout.split('\n').filter((l) => l.trim()).length;
  if (fewPk.code === 0 && nFew < FIRST_PACKETS) return { first: few, full: Promise.resolve(few), stopScan };
  // the scan: spawned once the caller has gone on (openVideo spawns the decoder first)
  const full = new Promise<void>((resolve) => setImmediate(resolve)).then(() => (scan.signal.aborted ? fewPk : scanPackets()));
  return { first: few, full: full.then((pk) => (pk === fewPk ? few : resultOf(pk, PROBE_MAX_PACKETS))), stopScan };
}
