/**
 * The private Tor network the Tor tests run in, from the variables that
 * `tor-testnet exec` sets (scripts/test-tor.sh starts the tests that way).
 * Outside the namespace these are missing and the tests refuse to run.
 */

export interface TorEnv {
  /** tor-testnet's state directory (pid files, logs). */
  readonly dir: string;
  readonly socksHost: string;
  readonly socksPort: number;
  readonly controlPort: number;
  readonly cookieFile: string;
}

export function torEnv(env: NodeJS.ProcessEnv = process.env): TorEnv {
  const dir = env.TOR_TESTNET_DIR;
  const socksPort = Number(env.TOR_TESTNET_SOCKS_PORT);
  const controlPort = Number(env.TOR_TESTNET_CONTROL_PORT);
  const cookieFile = env.TOR_TESTNET_CONTROL_COOKIE;
  if (!dir || !cookieFile || !Number.isInteger(socksPort) || !Number.isInteger(controlPort)) {
    throw new Error(
      'The Tor tests run inside the private Tor network: use `npm run test:tor` ' +
        '(TOR_TESTNET_* variables are not set)',
    );
  }
  const socksHost = env.TOR_TESTNET_SOCKS_HOST ?? '127.0.0.1';
  return { dir, socksHost, socksPort, controlPort, cookieFile };
}
