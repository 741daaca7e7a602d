/**
 * A small Tor ControlPort client for the Tor tests (test-tor/): cookie
 * authentication, GETINFO circuit-status, and STREAM events (SETEVENTS
 * STREAM), parsed into records that say which circuit carried which stream
 * and under which SOCKS username.
 *
 * Only what the tests need of the control protocol (Tor's control-spec):
 * replies are `CODE-line` (more lines follow), `CODE+line` (a data block
 * follows, ended by a line holding a single dot) and `CODE line` (the last
 * line); asynchronous events have code 650 and arrive between replies.
 *
 * Security note: the cookie is a secret of the local Tor client; it is read
 * from the file Tor wrote and sent only to the ControlPort, never logged.
 */

import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

/** One control-protocol reply: its status code and its lines (data blocks inlined). */
export interface ControlReply {
  readonly code: number;
  readonly lines: readonly string[];
}

/** A STREAM event (`650 STREAM <id> <status> <circuit> <target> KEY=VALUE…`). */
export interface StreamEvent {
  readonly id: string;
  /** NEW, NEWRESOLVE, SENTCONNECT, SUCCEEDED, FAILED, CLOSED, DETACHED, … */
  readonly status: string;
  /** "0" while the stream is not attached to a circuit. */
  readonly circuit: string;
  /** host:port as the SOCKS client asked for it (a hostname stays a hostname). */
  readonly target: string;
  readonly username: string | undefined;
  /** The client's own address of the SOCKS connection (127.0.0.1:port). */
  readonly sourceAddr: string | undefined;
  readonly purpose: string | undefined;
  /** Date.now() when the event was read. */
  readonly receivedAt: number;
}

/** One line of `GETINFO circuit-status`. */
export interface CircuitInfo {
  readonly id: string;
  readonly status: string;
  /** `$FINGERPRINT~nickname` per hop, entry first, exit last. */
  readonly path: readonly string[];
  readonly purpose: string | undefined;
  readonly username: string | undefined;
}

/** Splits `KEY=VALUE KEY="quoted \"value\""` into a map (control-spec QuotedString unescaped). */
export function parseKeywords(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ') i++;
    if (i >= text.length) break;
    const eq = text.indexOf('=', i);
    const space = text.indexOf(' ', i);
    if (eq < 0 || (space >= 0 && space < eq)) {
      // A bare word (positional or flag): skip it.
      i = space < 0 ? text.length : space;
      continue;
    }
    const key = text.slice(i, eq);
    i = eq + 1;
    let value = '';
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) {
          const c = text[i + 1]!;
          value += c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c;
          i += 2;
        } else value += text[i++];
      }
      i++; // closing quote
    } else {
      const end = text.indexOf(' ', i);
      value = text.slice(i, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end;
    }
    out.set(key, value);
  }
  return out;
}

/** Parses the text after `650 ` of a STREAM event; null for any other event. */
export function parseStreamEvent(line: string, receivedAt = Date.now()): StreamEvent | null {
  const m = /^STREAM (\S+) (\S+) (\S+) (\S+)(.*)$/.exec(line);
  if (!m) return null;
  const kw = parseKeywords(m[5]!);
  return {
    id: m[1]!,
    status: m[2]!,
    circuit: m[3]!,
    target: m[4]!,
    username: kw.get('SOCKS_USERNAME'),
    sourceAddr: kw.get('SOURCE_ADDR'),
    purpose: kw.get('PURPOSE'),
    receivedAt,
  };
}

/** Parses the value of `GETINFO circuit-status` (one circuit per line). */
export function parseCircuitStatus(lines: readonly string[]): CircuitInfo[] {
  const out: CircuitInfo[] = [];
  for (const raw of lines) {
    const line = raw.replace(/^circuit-status=/, '');
    const m = /^(\d+) ([A-Z]+)(?: (\$[^ ]+))?(.*)$/.exec(line);
    if (!m) continue;
    const kw = parseKeywords(m[4]!);
    out.push({
      id: m[1]!,
      status: m[2]!,
      path: m[3] ? m[3].split(',') : [],
      purpose: kw.get('PURPOSE'),
      username: kw.get('SOCKS_USERNAME'),
    });
  }
  return out;
}

interface Pending {
  resolve(reply: ControlReply): void;
  reject(error: Error): void;
}

/** An authenticated ControlPort connection. */
export class ControlPort {
  /** Every STREAM event received since `watchStreams()`, in order. */
  readonly streams: StreamEvent[] = [];
  private readonly pending: Pending[] = [];
  private buffer = '';
  private lines: string[] = [];
  private inData = false;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
    const fail = (e: Error) => {
      this.closed = true;
      for (const p of this.pending.splice(0)) p.reject(e);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('ControlPort connection closed')));
  }

  /** Connects and authenticates with the cookie file (hex of its 32 bytes). */
  static async open(options: {
    port: number;
    cookieFile: string;
    host?: string;
  }): Promise<ControlPort> {
    const socket = connect(options.port, options.host ?? '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const control = new ControlPort(socket);
    const cookie = readFileSync(options.cookieFile);
    if (cookie.length !== 32) throw new Error('the ControlPort cookie file is not 32 bytes');
    await control.command(`AUTHENTICATE ${cookie.toString('hex')}`);
    return control;
  }

  /** From the variables `tor-testnet exec` sets. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): Promise<ControlPort> {
    const port = Number(env.TOR_TESTNET_CONTROL_PORT);
    const cookieFile = env.TOR_TESTNET_CONTROL_COOKIE;
    if (!Number.isInteger(port) || !cookieFile) {
      throw new Error('TOR_TESTNET_CONTROL_PORT / TOR_TESTNET_CONTROL_COOKIE are not set');
    }
    return ControlPort.open({ port, cookieFile });
  }

  /** Sends one command; resolves with its reply, rejects on a non-2xx code. */
  command(line: string): Promise<ControlReply> {
    if (this.closed) return Promise.reject(new Error('ControlPort connection closed'));
    if (/[\r\n]/.test(line)) return Promise.reject(new Error('a command is one line'));
    return new Promise((resolve, reject) => {
      this.pending.push({
        resolve: (reply) => {
          if (reply.code >= 200 && reply.code < 300) resolve(reply);
          else
            reject(
              new Error(
                `ControlPort: ${line.split(' ')[0]} → ${reply.code} ${reply.lines.join(' | ')}`,
              ),
            );
        },
        reject,
      });
      this.socket.write(`${line}\r\n`);
    });
  }

  /** `GETINFO circuit-status`, parsed. */
  async circuits(): Promise<CircuitInfo[]> {
    const reply = await this.command('GETINFO circuit-status');
    return parseCircuitStatus(reply.lines.filter((l) => l !== 'OK'));
  }

  /** Subscribes to STREAM events; they accumulate in `streams`. */
  async watchStreams(): Promise<void> {
    await this.command('SETEVENTS STREAM');
  }

  /** Marks every circuit dirty so that later streams get new circuits (SIGNAL NEWNYM). */
  async newnym(): Promise<void> {
    await this.command('SIGNAL NEWNYM');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end('QUIT\r\n');
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 1000).unref();
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end < 0) return;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (this.inData) {
      if (line === '.') this.inData = false;
      else this.lines.push(line.startsWith('..') ? line.slice(1) : line);
      return;
    }
    const m = /^(\d{3})([ +-])(.*)$/.exec(line);
    if (!m) return;
    const code = Number(m[1]);
    this.lines.push(m[3]!);
    if (m[2] === '+') {
      this.inData = true;
      return;
    }
    if (m[2] === '-') return;
    const lines = this.lines;
    this.lines = [];
    if (code === 650) {
      for (const l of lines) {
        const event = parseStreamEvent(l);
        if (event) this.streams.push(event);
      }
      return;
    }
    this.pending.shift()?.resolve({ code, lines });
  }
}
