/**
 * SIGINT / SIGTERM during a long run: the first signal asks the pipeline to stop after the
 * current frame (results are then written and marked "partial" in manifest.json and
 * summary.json); a second signal exits at once (temporary files are never renamed into place,
 * so nothing looks complete).
 */
export function installInterrupt(): { shouldStop: () => boolean; dispose: () => void; interrupted: () => boolean } {
  let stop = false;
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
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
