/**
 * The `lidtrack` command: a thin shell over the library. Known errors print one line and
 * exit 2; unknown errors exit 1 with a short message (stack only with --debug).
 */
import { Command, CommanderError } from 'commander';
import { isLidtrackError } from '../core/errors.js';
import { LIDTRACK_VERSION } from '../core/version.js';

let stdoutGuarded = false;

/**
 * The sub-commands `argv` may run, registered on `program`: `track` alone when it is the command
 * (its own module: the other commands' code is neither loaded nor evaluated), every command
 * otherwise (help, a misspelt command, any other command). `lidtrack track` is what runs on every
 * recording, and its start is what the decoder waits for: the bundle is split at these imports
 * (scripts/build.mjs), and the other commands' chunks cost ≈ 30 ms of loading and evaluating
 * (zod schemas, the report and fit modules) at every start (interleaved pairs of 2-frame runs,
 * 0.65 → 0.62 s).
 */
async function registerCommandsFor(program: Command, argv: string[]): Promise<void> {
  if (argv[0] === 'track') {
    const { registerTrack } = await import('./commands/track.js');
    registerTrack(program);
    return;
  }
  const { registerCommands } = await import('./commands/index.js');
  registerCommands(program);
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  // `lidtrack ... | head`: a closed stdout is not an error (handler installed once per process).
  if (!stdoutGuarded) {
    stdoutGuarded = true;
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    });
  }
  const program = new Command();
  program
    .name('lidtrack')
    .description('Operando microscopy of Li-metal solid-state cells: dendrite tips, isolated Li, j_tip, model fits.')
    .version(LIDTRACK_VERSION)
    .option('--debug', 'print stack traces for unexpected errors')
    .showHelpAfterError('(run `lidtrack --help` or `lidtrack COMMAND --help` for usage)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str.split('\n')[0] + '\n') });
  await registerCommandsFor(program, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2; // usage error: commander already printed one line
    }
    if (isLidtrackError(e)) {
      process.stderr.write(`lidtrack: ${e.oneLine()}\n`);
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`lidtrack: unexpected error: ${msg.split('\n')[0]} (this is a bug; rerun with --debug and report it)\n`);
    if (debug && e instanceof Error && e.stack) process.stderr.write(e.stack + '\n');
    return 1;
  }
}
