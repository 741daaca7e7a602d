/** The system randomness adapter: the OS CSPRNG through node:crypto. */

import { randomBytes } from 'node:crypto';
import type { Random } from '../ports/random.js';

export const systemRandom: Random = (length) => new Uint8Array(randomBytes(length));
