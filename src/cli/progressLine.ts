/**
 * A progress line on stderr for commands that wait on blocks: rewritten in
 * place on a terminal, one line per step otherwise (logs, pipes). Silent in
 * --json mode, where stdout carries only the result document.
 */
export interface ProgressLine {
  /**
   * Shows `text`. Off a terminal, a line is written only when `step` changes
   * (default: the text itself), so that counters ticking by do not flood a log.
   */
  update(text: string, step?: string): void;
  /** Ends the line (keeps its last text on screen). */
  done(text?: string): void;
}

export function progressLine(opts: { quiet: boolean; stream?: NodeJS.WriteStream }): ProgressLine {
  const out = opts.stream ?? process.stderr;
  const tty = out.isTTY === true;
  let last = '';
  let lastStep = '';
  let open = false;
  return {
    update(text, step = text) {
      if (opts.quiet || text === last) return;
      last = text;
      if (tty) {
        out.write(`\r\x1b[2K${text}`);
        open = true;
      } else if (step !== lastStep) out.write(`${text}\n`);
      lastStep = step;
    },
    done(text) {
      if (opts.quiet) return;
      if (text !== undefined && text !== last) {
        if (tty) out.write(`\r\x1b[2K${text}`);
        else out.write(`${text}\n`);
        open = tty;
      }
      if (open) out.write('\n');
      open = false;
      last = '';
      lastStep = '';
    },
  };
}
