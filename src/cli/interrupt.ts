/**
 * SIGINT / SIGTERM during a long run: the first signal asks the pipeline to stop after the
 * current frame (results are then written and marked "partial" in manifest.json and
 * summary.json); a second signal exits at once (temporary files are never renamed into place,
 * so nothing looks complete).
 *
 * Test-only: with LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES=K in the environment, the run stops as on
 * a first SIGINT once K frames have been analysed (`onProgress` sees stage "track", frame ≥ K):
 * a deterministic interruption for the --resume tests. Not a user option.
 */
export function installInterrupt(): {
  shouldStop: () => boolean;
  dispose: () => void;
  interrupted: () => boolean;
  onProgress: (p: { stage: string; frame: number }) => void;
} {
  let stop = false;
  const raw = process.env.LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES;
  const stopAfter = raw ? Number(raw) : NaN;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write(`\nlidtrack: ${sig} received: stopping after this frame and marking the results partial (send again to abort)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    shouldStop: () => stop,
    interrupted: () => stop,
    onProgress: (p) => {
      if (!stop && p.stage === 'track' && p.frame >= stopAfter) {
        stop = true;
        process.stderr.write(`lidtrack: LIDTRACK_TEST_INTERRUPT_AFTER_FRAMES=${raw} reached: stopping as on SIGINT\n`);
      }
    },
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
