/**
 * The options every `mizu` command accepts: where the profile lives, which
 * network, a SOCKS5 proxy, JSON output, debug output, a passphrase file.
 * They are declared on the program (before the command: `mizu --json inbox`)
 * and, hidden, on each command (after it: `mizu inbox --json`).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';

export interface Globals {
  readonly home?: string;
  readonly network?: string;
  readonly socks5?: string;
  readonly json?: boolean;
  readonly debug?: boolean;
  readonly passphraseFile?: string;
  /** Not an option: set by the chat, whose screen nothing else may write to. */
  readonly quiet?: boolean;
}

function parseSocks5(v: string): string {
  if (!/^[^\s:]+:\d{1,5}$/.test(v) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(v))
    throw new InvalidArgumentError('must be HOST:PORT (Tor: 127.0.0.1:9050)');
  return v;
}

/** Adds the global options to `cmd`; `hidden` keeps them out of the command's help. */
export function addGlobalOptions(cmd: Command, hidden: boolean): Command {
  const options = [
    new Option('--home <dir>', 'profile directory (default: $MIZU_HOME or ~/.local/share/mizu)'),
    new Option(
      '--network <network>',
      'sandbox, mainnet, shadownet, or RPC URLs separated by commas (default: the profile’s, or sandbox)',
    ),
    new Option('--socks5 <host:port>', 'reach nodes through a SOCKS5 proxy such as Tor').argParser(
      parseSocks5,
    ),
    new Option('--json', 'print one JSON document on stdout'),
    new Option('--debug', 'print stack traces of errors'),
    new Option(
      '--passphrase-file <file>',
      'read the passphrase from a file (else $MIZU_PASSPHRASE, else ask)',
    ),
  ];
  for (const o of options) cmd.addOption(hidden && o.long !== '--json' ? o.hideHelp() : o);
  return cmd;
}

/** The global options as given before or after the command (after wins). */
export function globalsOf(cmd: Command): Globals {
  return cmd.optsWithGlobals() as Globals;
}
