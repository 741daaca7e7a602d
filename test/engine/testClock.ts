/**
 * The system clock for engine tests and the crash child (kept apart from
 * the harness so that the child does not load the sandbox), and the test
 * profiles' passphrase.
 */

import { systemClock } from '../../src/adapters/systemClock.js';

export const PASSPHRASE = 'correct horse battery staple (test)';

export { systemClock };
