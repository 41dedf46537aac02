import type { Command } from 'commander';
import { registerTrack } from './track.js';
import { registerRun } from './run.js';
import { registerSimulate } from './simulate.js';
import { registerProbe } from './probe.js';
import { registerDoctor } from './doctor.js';
import { registerReport } from './report.js';
import { registerFit } from './fit.js';
import { registerCompare } from './compare.js';
import { registerBatch } from './batch.js';

/** Every sub-command registers itself here (one line each). */
export function registerCommands(program: Command): void {
  void program;
  registerTrack(program);
  registerRun(program);
  registerSimulate(program);
  registerProbe(program);
  registerDoctor(program);
  registerReport(program);
  registerFit(program);
  registerCompare(program);
  registerBatch(program);
}
