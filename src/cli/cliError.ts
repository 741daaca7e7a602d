/**
 * An error the command line raises itself, carrying the exit code it ends
 * the process with. Its message is one line meant for a person; it never
 * holds a secret (passphrase, secret key, message text).
 */
import type { ExitCode } from './exitCodes.js';

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}
