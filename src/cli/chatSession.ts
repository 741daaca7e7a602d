/**
 * The chat's view model over the engine (tui/chatModel.ts ChatSession): a
 * cached snapshot rebuilt when the engine reports a change, and the
 * engine's background loop (reads in rounds, outbox flushed after a random
 * write jitter as soon as it holds something, prekey rotation).
 */
import type { ContactInfo, EngineEvent, MessageInfo } from '../engine/index.js';
import type { OperationCost } from '../ports/chain.js';
import type { ChatMessage, ChatSession, ChatSnapshot } from '../tui/chatModel.js';
import type { MizuContext } from './context.js';
import { messageCostMutez } from './messageCost.js';

const errorLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n', 1)[0]!;

function chatMessage(m: MessageInfo): ChatMessage {
  return {
    id: m.id,
    direction: m.direction,
    text: m.text,
    time: m.time,
    ...(m.state ? { state: m.state } : {}),
    ...(m.level !== null ? { level: m.level } : {}),
  };
}

/** A contact just added or accepted, as the chat's contact list shows it. */
function newContactRow(c: ContactInfo) {
  return {
    address: c.address,
    name: c.name,
    unread: 0,
    verified: c.verified,
    bundleChanged: c.bundleChanged,
  };
}

export function chatSession(ctx: MizuContext, opts: { pollPeriodMs: number }): ChatSession {
  const { engine, chain } = ctx;
  const listeners = new Set<() => void>();
  let cached: ChatSnapshot | null = null;
  let headLevel: number | null = null;
  let balanceMutez: bigint | null = null;
  let typical: OperationCost | null = null;
  let bundlePublished = engine.current().bundlePublished;
  let problem: string | null = null;
  const loop = new AbortController();
  let refreshing = false;
  let refreshedAt = 0;

  const changed = () => {
    cached = null;
    for (const l of listeners) l();
  };

  // Head level and balance for the header: at most once per poll period (each one is a
  // request to a node, and a round may report several syncs).
  const refreshChain = async () => {
    if (refreshing || Date.now() - refreshedAt < opts.pollPeriodMs) return;
    refreshing = true;
    refreshedAt = Date.now();
    try {
      const me = engine.current().address;
      const [head, balance] = await Promise.all([
        chain.head('directory'),
        chain.balance(me, 'writes'),
      ]);
      headLevel = head.level;
      balanceMutez = balance;
      changed();
    } catch (e) {
      problem = `Network: ${errorLine(e)}`;
      changed();
    } finally {
      refreshing = false;
    }
  };

  const unsubscribe = engine.on('change', (e: EngineEvent) => {
    if (e.type === 'error') problem = errorLine(e.error);
    if (e.type === 'sync') {
      problem = null;
      void refreshChain();
    }
    changed();
  });

  // Status once (it estimates a typical message's cost), then the loop.
  void engine.status().then(
    (s) => {
      headLevel = s.headLevel;
      balanceMutez = s.balanceMutez;
      typical = s.typicalMessageCost;
      bundlePublished = s.bundlePublished;
      changed();
    },
    (e) => {
      problem = `Network: ${errorLine(e)}`;
      changed();
    },
  );
  const running = engine
    .run({ pollPeriodMs: opts.pollPeriodMs, signal: loop.signal })
    .catch((e: unknown) => {
      problem = errorLine(e);
      changed();
    });

  return {
    snapshot() {
      if (cached) return cached;
      const id = engine.current();
      const unread = new Map(engine.unread().map((u) => [u.contact.address, u.unread]));
      cached = {
        identity: {
          name: id.name,
          address: id.address,
          fingerprint: engine.fingerprint(),
          network: ctx.network.spec,
          balanceMutez,
          bundlePublished: bundlePublished || id.bundlePublished,
        },
        contacts: engine.listContacts().map((c) => ({
          address: c.address,
          name: c.name,
          unread: unread.get(c.address) ?? 0,
          verified: c.verified,
          bundleChanged: c.bundleChanged,
        })),
        requests: engine.listRequests().map((r) => ({ address: r.sender, time: r.time })),
        headLevel,
        messageCostMutez: typical?.totalMutez ?? null,
        problem,
      };
      return cached;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    messages: (c) => engine.messages(c).map(chatMessage),
    messageCost: (text) =>
      typical ? messageCostMutez(Buffer.byteLength(text, 'utf8'), typical) : null,
    markRead(c) {
      engine.markRead(c);
      changed();
    },
    async send(c, text, o) {
      await engine.send(c, text, o?.confirmChanged ? { confirmChanged: true } : {});
      changed();
    },
    async addContact(address, name) {
      const c = await engine.addContact(address, name);
      changed();
      return newContactRow(c);
    },
    async acceptRequest(address, name) {
      const c = await engine.acceptRequest(address, name);
      changed();
      return newContactRow(c);
    },
    ignoreRequest(address) {
      engine.ignoreRequest(address);
      changed();
    },
    blockRequest(address) {
      engine.blockRequest(address);
      changed();
    },
    safetyNumber: (c) => engine.safetyNumber(c),
    markVerified(c) {
      engine.markVerified(c);
      changed();
    },
    async close() {
      unsubscribe();
      loop.abort();
      await running;
      await ctx.close();
    },
  };
}
