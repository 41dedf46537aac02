/**
 * createHash from node:crypto, loaded at its first use. Importing node:crypto loads Node's whole
 * crypto layer (WebCrypto, key generation, ciphers): ≈ 9 ms of the main thread at every start
 * in a CPU profile of `lidtrack track`, while its hashes (the input's, the checkpoints') are
 * needed only once the frames flow.
 */
import { createRequire } from 'node:module';
import type { Hash } from 'node:crypto';

const requireBuiltin = createRequire(import.meta.url);
let loaded: typeof import('node:crypto') | null = null;

/** node:crypto's createHash(algorithm). */
export function createHash(algorithm: string): Hash {
  loaded ??= requireBuiltin('node:crypto') as typeof import('node:crypto');
  return loaded.createHash(algorithm);
}
