/**
 * main() registers `track` alone when it is the command (its start loads none of the other
 * commands' code: src/cli/main.ts) and every command otherwise. Both paths must parse and run as
 * before: the full list in help, track's own help and options, a misspelt command, another command.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../robustness/cliHarness.js';

const COMMANDS = ['track', 'run', 'simulate', 'probe', 'doctor', 'report', 'fit', 'compare', 'batch'];

describe('command registration', () => {
  it('`lidtrack --help` lists every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  it('`lidtrack track --help` gives track\'s usage and options; a bad track option is a one-line usage error', async () => {
    const h = await runCli(['track', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Usage: lidtrack track [options] <video>');
    expect(h.stdout).toContain('--um-per-px');
    const bad = await runCli(['track', 'x.mp4', '--no-such-flag']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown option '--no-such-flag'");
  });

  it('a misspelt command and a command other than track go through the full list', async () => {
    const typo = await runCli(['trak', 'x.mp4']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown command 'trak'");
    const fit = await runCli(['fit', '--help']);
    expect(fit.code).toBe(0);
    expect(fit.stdout).toContain('Usage: lidtrack fit');
  });
});
