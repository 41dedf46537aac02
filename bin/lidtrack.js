#!/usr/bin/env node
// Thin launcher: registers the TypeScript loader (tsx) and hands over to the CLI.
// Running the sources directly keeps `npm ci && npx lidtrack ...` free of a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
