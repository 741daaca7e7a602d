#!/usr/bin/env bash
# npm run test:tor — the Tor tests (test-tor/*.test.ts) against a real Tor
# client on a private Tor network (../shared/tor-testnet): brings the network
# up (or reuses one already running in the same directory), runs the tests
# inside its network namespace (where only loopback exists, so nothing leaves
# the machine), then takes the network down again unless it was already
# running or MIZU_TOR_KEEP=1.
#
#   npm run test:tor                          every test-tor/*.test.ts
#   npm run test:tor -- test-tor/x.test.ts    only these files
#
# Environment:
#   MIZU_TOR_TESTNET  path of the tor-testnet script (default ../shared/tor-testnet/tor-testnet)
#   MIZU_TOR_DIR      its state directory (default /tmp/mizu-tor-testnet)
#   MIZU_TOR_KEEP=1   leave the network running afterwards (the next run reuses it)
#   TOR_TESTNET_NETNS namespace name (default mizu-tor)
# Needs root (network namespaces); tor-testnet installs tor with apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)

TESTNET=${MIZU_TOR_TESTNET:-$ROOT/../shared/tor-testnet/tor-testnet}
DIR=${MIZU_TOR_DIR:-/tmp/mizu-tor-testnet}
export TOR_TESTNET_NETNS=${TOR_TESTNET_NETNS:-mizu-tor}
# The relays republish their descriptors in the network's first minute (after
# their self-tests). A plain client fetches the new descriptors only on its
# periodic timer (10–60 s), and meanwhile knows no usable exit, so new
# circuits stall; fetching directory information as early as a cache does
# closes that gap (measured: stalls of 10–90 s became under 0.1 s).
export TOR_TESTNET_CLIENT_EXTRA=${TOR_TESTNET_CLIENT_EXTRA:-$'FetchDirInfoEarly 1\nFetchDirInfoExtraEarly 1\nFetchUselessDescriptors 1'}

if [ "$(id -u)" -ne 0 ]; then
  echo "test:tor: needs root (tor-testnet creates a network namespace)" >&2
  exit 1
fi
if [ ! -x "$TESTNET" ]; then
  echo "test:tor: tor-testnet not found at $TESTNET (set MIZU_TOR_TESTNET)" >&2
  exit 1
fi

if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find test-tor -name '*.test.ts' | sort)
fi

# Already running (all daemons up)? Then it is someone else's to take down.
was_running=0
if [ -f "$DIR/env" ] && "$TESTNET" status "$DIR" 2>/dev/null | grep -q ' running ' &&
  ! "$TESTNET" status "$DIR" 2>/dev/null | grep -q ' stopped'; then
  was_running=1
fi

t0=$SECONDS
"$TESTNET" up "$DIR" >/dev/null
echo "test:tor: private Tor network ready in $((SECONDS - t0)) s ($DIR, namespace $TOR_TESTNET_NETNS)" >&2
if [ "$was_running" -eq 0 ] && [ "${MIZU_TOR_KEEP:-0}" != 1 ]; then
  trap '"$TESTNET" down "$DIR" >/dev/null 2>&1 || true' EXIT
fi

# New circuits must build at once before the tests start (test-tor/settle.ts).
"$TESTNET" exec "$DIR" -- node --import tsx test-tor/settle.ts

# One file at a time: the tests bind the namespace's DNS port (53) and share
# the Tor client, whose circuits and stream events they inspect.
"$TESTNET" exec "$DIR" -- node --import tsx --test --test-concurrency=1 \
  --test-reporter=spec "${files[@]}"
