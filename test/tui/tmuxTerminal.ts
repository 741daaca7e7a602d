/**
 * A real pseudo-terminal for tests: one tmux server per terminal (its own
 * socket, so parallel tests never meet), running one command in a window
 * of a fixed size. Tests type into it with send-keys and read the screen
 * with capture-pane, as a person would see it.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

let serial = 0;

/** A person's pause between keystrokes: the screen re-renders in between. */
const pause = () => new Promise((r) => setTimeout(r, 150));

export class TmuxTerminal {
  private constructor(private readonly socket: string) {}

  /** Starts `argv` in a new terminal of `cols`×`rows` with `env` added to the environment. */
  static async start(
    argv: readonly string[],
    opts: { env?: Record<string, string>; cwd?: string; cols?: number; rows?: number } = {},
  ): Promise<TmuxTerminal> {
    const socket = `mizu-test-${process.pid}-${serial++}`;
    const env = Object.entries({ TERM: 'xterm-256color', ...opts.env })
      .map(([k, v]) => `${k}=${quote(v)}`)
      .join(' ');
    // Keep the window after the command exits so its last screen can still be read.
    const command = `env ${env} ${argv.map(quote).join(' ')}; echo "[exited $?]"; sleep 600`;
    await run('tmux', [
      '-L',
      socket,
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-x',
      String(opts.cols ?? 120),
      '-y',
      String(opts.rows ?? 40),
      ...(opts.cwd ? ['-c', opts.cwd] : []),
      command,
    ]);
    return new TmuxTerminal(socket);
  }

  private tmux(...args: string[]) {
    return run('tmux', ['-L', this.socket, ...args]);
  }

  /** Types `text` literally (no key names), then pauses as a person would. */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-l', text);
    await pause();
  }

  /** Presses keys by tmux name: 'Enter', 'Escape', 'Tab', 'Up', 'C-n', …, pausing after each. */
  async press(...keys: string[]): Promise<void> {
    for (const k of keys) {
      await this.tmux('send-keys', k);
      await pause();
    }
  }

  /** The visible screen, one string. */
  async screen(): Promise<string> {
    return (await this.tmux('capture-pane', '-p')).stdout;
  }

  /** Waits until the screen matches `pattern`; fails with the last screen after `timeoutMs`. */
  async waitFor(pattern: RegExp | string, timeoutMs = 20_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = await this.screen();
      if (typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last)) return last;
      if (Date.now() > until)
        throw new Error(`Screen never showed ${String(pattern)} in ${timeoutMs} ms:\n${last}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  /**
   * Presses `key` until the screen matches `pattern` (up to `tries` times): a
   * screen that has just appeared may not listen to keys yet, and a person
   * would press again.
   */
  async pressUntil(key: string, pattern: RegExp | string, tries = 3): Promise<string> {
    for (let i = 1; ; i++) {
      await this.press(key);
      try {
        return await this.waitFor(pattern, 3000);
      } catch (e) {
        if (i >= tries) throw e;
      }
    }
  }

  /** Ends the terminal's tmux server and removes its socket file (tmux leaves it behind). */
  async kill(): Promise<void> {
    const path = await this.tmux('display-message', '-p', '#{socket_path}').then(
      (r) => r.stdout.trim(),
      () => '',
    );
    await this.tmux('kill-server').catch(() => undefined);
    if (path) rmSync(path, { force: true });
  }
}
