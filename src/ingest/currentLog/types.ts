/** One sample of a potentiostat log (true time on the video clock after the offset). */
export interface CurrentSample {
  /** Time [s]. */
  tS: number;
  /** Cell current [mA], signed (positive: Li plated at the plating edge). */
  currentMA: number;
  /** Cell voltage [V], when the log has one. */
  voltageV?: number;
}

/** A parsed potentiostat log. */
export interface CurrentLogData {
  samples: CurrentSample[];
  /** Detected format and columns, e.g. "csv (time/s, I/mA, Ewe/V)" or "biologic-mpt". */
  source: string;
}

/** A constant-current phase of the log. */
export interface CurrentPhase {
  /** First sample time of the phase [s]. */
  tStartS: number;
  /** First sample time of the next phase, or the last sample time [s]. */
  tEndS: number;
  /** Mean current over the phase samples [mA]. */
  currentMA: number;
  /** −1, 0 or +1. */
  sign: -1 | 0 | 1;
}
