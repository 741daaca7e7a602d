/**
 * The system clock for engine tests and the crash child (kept apart from
 * the harness so that the child does not load the sandbox), and the test
 * profiles' passphrase.
 */

import type { Clock } from '../../src/ports/clock.js';

export const PASSPHRASE = 'correct horse battery staple (test)';

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(t);
        reject(signal?.reason);
      };
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
