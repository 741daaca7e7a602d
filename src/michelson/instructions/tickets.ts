/**
 * Tickets inside the interpreter: TICKET, READ_TICKET, SPLIT_TICKET,
 * JOIN_TICKETS (TICKET_DEPRECATED is refused).
 *
 * A ticket is (ticketer = the contract that created it, contents, amount).
 * TICKET with amount 0 gives None; SPLIT_TICKET needs two non-zero amounts
 * summing to the ticket's; JOIN_TICKETS needs equal ticketers and contents.
 * Ticket balances on the chain (ticket receipts) are not modelled, so
 * contract.ts refuses scripts whose storage or parameter holds tickets.
 */

import { compareValues } from '../compare.js';
import { COST } from '../gas.js';
import { arity, fail, type Handler, peek, replaceTop } from '../typecheck.js';
import { isComparable, T, typesEqual } from '../types.js';
import { NONE, type PairValue, pair, some, type TicketValue, type Value } from '../values.js';

const TICKET: Handler = (node, stack) => {
  arity(node, 0);
  const [c, n] = peek(node, stack, 2);
  if (!isComparable(c!) || n!.prim !== 'nat')
    return fail(node, stack, 'TICKET needs a comparable value and a nat');
  const contentType = c!;
  return {
    out: replaceTop(stack, 2, T.option(T.ticket(contentType))),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      const contents = s.pop() as Value;
      const amount = s.pop() as bigint;
      s.push(
        amount === 0n
          ? NONE
          : some({ kind: 'ticket', ticketer: rt.self, contentType, contents, amount }),
      );
    },
  };
};

const READ_TICKET: Handler = (node, stack) => {
  arity(node, 0);
  const [t] = peek(node, stack, 1);
  if (t!.prim !== 'ticket') return fail(node, stack, 'READ_TICKET needs a ticket');
  return {
    out: [...stack, T.pair(T.address, T.pair(t.arg, T.nat))],
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR);
      const k = s[s.length - 1] as TicketValue;
      s.push(pair(k.ticketer, pair(k.contents, k.amount)));
    },
  };
};

const SPLIT_TICKET: Handler = (node, stack) => {
  arity(node, 0);
  const [t, p] = peek(node, stack, 2);
  if (t!.prim !== 'ticket' || !typesEqual(p!, T.pair(T.nat, T.nat)))
    return fail(node, stack, 'SPLIT_TICKET needs a ticket and a pair nat nat');
  return {
    out: replaceTop(stack, 2, T.option(T.pair(t, t))),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR * 4);
      const k = s.pop() as TicketValue;
      const { fst, snd } = s.pop() as PairValue;
      const a = fst as bigint;
      const b = snd as bigint;
      if (a === 0n || b === 0n || a + b !== k.amount) s.push(NONE);
      else s.push(some(pair({ ...k, amount: a }, { ...k, amount: b })));
    },
  };
};

const JOIN_TICKETS: Handler = (node, stack) => {
  arity(node, 0);
  const [p] = peek(node, stack, 1);
  if (p!.prim !== 'pair' || p.left.prim !== 'ticket' || !typesEqual(p.left, p.right))
    return fail(node, stack, 'JOIN_TICKETS needs a pair of tickets of the same type');
  return {
    out: replaceTop(stack, 1, T.option(p.left)),
    run: (s, rt) => {
      rt.gas.consume(COST.INSTR * 4);
      const { fst, snd } = s.pop() as PairValue;
      const a = fst as TicketValue;
      const b = snd as TicketValue;
      const same =
        compareValues(a.ticketer, b.ticketer) === 0 && compareValues(a.contents, b.contents) === 0;
      s.push(same ? some({ ...a, amount: a.amount + b.amount }) : NONE);
    },
  };
};

export const tickets: Record<string, Handler> = { TICKET, READ_TICKET, SPLIT_TICKET, JOIN_TICKETS };
