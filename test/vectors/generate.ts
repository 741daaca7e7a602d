/**
 * Writes test/vectors/mizu-v1.json, Mizu's checked-in protocol vectors.
 *
 *   npx tsx test/vectors/generate.ts
 *
 * The output is deterministic (seeded randomness, fixed test account keys,
 * deterministic ed25519 signatures): running it again without a protocol
 * change rewrites the same bytes. Regenerate only for an intended format
 * change, and say so in the commit; test/protocol/vectors.test.ts fails on any
 * difference between this file and what the code produces.
 */

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildMizuVectors } from '../helpers/mizuVectors.js';

const target = fileURLToPath(new URL('./mizu-v1.json', import.meta.url));
const vectors = await buildMizuVectors();
writeFileSync(target, `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`wrote ${target}`);
