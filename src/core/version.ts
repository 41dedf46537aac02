import { readFileSync } from 'node:fs';

/** lidtrack's version, from package.json. */
export const LIDTRACK_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
