/**
 * Where a passphrase comes from, in order: a passphrase file (--passphrase-file),
 * the MIZU_PASSPHRASE environment variable (for scripts), or an interactive
 * prompt on a terminal, without echo (asked twice when `confirm`).
 *
 * Security notes: the passphrase is never echoed, logged or put in an error
 * message. A passphrase file loses one trailing newline and nothing else.
 * With no file, no variable and no terminal, this fails rather than read a
 * passphrase from a pipe that may be something else.
 */

import { readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { ReadStream } from 'node:tty';
import { StoreError } from './errors.js';

export interface PassphraseSource {
  env?: NodeJS.ProcessEnv;
  file?: string;
  prompt?: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream };
  /** Ask twice on the terminal (when creating a profile or a backup). */
  confirm?: boolean;
}

export async function readPassphrase(src: PassphraseSource): Promise<string> {
  if (src.file !== undefined) return fromFile(src.file);
  const env = src.env ?? process.env;
  const fromEnv = env.MIZU_PASSPHRASE;
  if (fromEnv !== undefined) return nonEmpty(fromEnv, 'MIZU_PASSPHRASE is set but empty');
  const prompt = src.prompt;
  if (!prompt || !isTerminal(prompt.input)) {
    throw new StoreError(
      'no-passphrase',
      'No passphrase: not on a terminal, and neither --passphrase-file nor MIZU_PASSPHRASE is set',
    );
  }
  const first = nonEmpty(
    await ask(prompt.input, prompt.output, 'Passphrase: '),
    'Empty passphrase',
  );
  if (!src.confirm) return first;
  const second = await ask(prompt.input, prompt.output, 'Repeat the passphrase: ');
  if (second !== first) throw new StoreError('passphrase-mismatch', 'The passphrases differ');
  return first;
}

function fromFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new StoreError('no-passphrase', `Cannot read the passphrase file ${file} (${why})`);
  }
  const line = text.endsWith('\r\n') ? text.slice(0, -2) : text.replace(/\n$/, '');
  return nonEmpty(line, `The passphrase file ${file} is empty`);
}

function nonEmpty(passphrase: string, message: string): string {
  if (passphrase.length === 0) throw new StoreError('empty-passphrase', message);
  return passphrase;
}

function isTerminal(input: NodeJS.ReadableStream): input is NodeJS.ReadableStream & ReadStream {
  const tty = input as Partial<ReadStream>;
  return tty.isTTY === true && typeof tty.setRawMode === 'function';
}

/** Reads one line from a terminal in raw mode (no echo); Ctrl-C or Ctrl-D cancels. */
function ask(
  input: NodeJS.ReadableStream & ReadStream,
  output: NodeJS.WritableStream,
  label: string,
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const decoder = new StringDecoder('utf8');
    const chars: string[] = [];
    const wasRaw = input.isRaw;
    const finish = (error: StoreError | undefined) => {
      input.removeListener('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolvePromise(chars.join(''));
    };
    const onData = (chunk: Buffer | string) => {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      for (const c of text) {
        if (c === '\r' || c === '\n') return finish(undefined);
        if (c === '\u0003' || (c === '\u0004' && chars.length === 0)) {
          return finish(new StoreError('no-passphrase', 'Cancelled'));
        }
        if (c === '\u007f' || c === '\b') chars.pop();
        else if (c >= ' ') chars.push(c);
      }
    };
    // Raw mode (no echo, no signals) before the label, so nothing typed after it can echo.
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
    output.write(label);
  });
}
