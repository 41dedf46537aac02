/**
 * The error hierarchy. Known errors (LidtrackError subclasses) are a user's mistake or a
 * property of their data: the CLI prints one line and exits 2. Anything else is a bug: exit 1.
 */
export abstract class LidtrackError extends Error {
  /** What the user can do about it. */
  readonly hint: string;
  abstract readonly kind: string;
  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.hint = hint;
    this.name = new.target.name;
  }
  /** One line for the terminal: problem, then the fix. */
  oneLine(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

/** A flag, file or value given by the user is wrong or missing. */
export class InputError extends LidtrackError {
  readonly kind = 'input';
}
/** A pipeline or model YAML / option combination is invalid. */
export class ConfigError extends LidtrackError {
  readonly kind = 'config';
}
/** The recording cannot be decoded (not a video, no frames, unsupported codec). */
export class VideoDecodeError extends LidtrackError {
  readonly kind = 'decode';
}
/** A fit cannot be set up or run (too few points, bad bounds). */
export class FitError extends LidtrackError {
  readonly kind = 'fit';
}

export function isLidtrackError(e: unknown): e is LidtrackError {
  return e instanceof LidtrackError;
}
