/**
 * The Host-header rule both local servers (`serve`, `serve-model`) apply before anything else,
 * against DNS rebinding: a web page on `attacker.example` whose name is re-pointed at 127.0.0.1
 * can reach a loopback server, but its requests still carry `Host: attacker.example`. A request
 * is answered only when its Host names
 *
 * - a loopback name or address: `localhost`, `*.localhost` (RFC 6761 §6.3 reserves them for
 *   loopback), `127.0.0.0/8`, `::1`;
 * - the address or name the server was told to bind (`--host`);
 * - a name the user allowed explicitly (`--allowed-hosts`);
 * - or, when bound to every interface (`0.0.0.0` / `::`), any IP address literal: a literal
 *   cannot be re-pointed by DNS, and a server exposed on purpose is reached by its addresses.
 *
 * A request without a Host header (HTTP/1.0; browsers always send one) is allowed. The port is
 * not compared: rebinding changes the name, not the port.
 */
import { isIP } from 'node:net';

export interface HostPolicy {
  /** The address the server binds (`127.0.0.1`, `::1`, `0.0.0.0`, a name…). */
  readonly bindHost: string;
  /** Extra host names (or addresses) to accept, lower-case or not. */
  readonly allowedHosts?: readonly string[];
}

const WILDCARD = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

/** The host name of a Host header without port or IPv6 brackets, lower-cased; null when unparsable. */
export function hostNameOf(header: string): string | null {
  const h = header.trim().toLowerCase();
  if (h === '') return null;
  let name: string;
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return null;
    const rest = h.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null;
    name = h.slice(1, end);
    return isIP(name) === 6 ? name : null;
  }
  const m = /^([^:/?#@\s]+)(?::(\d{1,5}))?$/.exec(h);
  if (m === null) return null;
  name = m[1]!;
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

export function isLoopbackHostName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || name === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(name);
  return false;
}

/** True when a request with this Host header may be answered (see the rule above). */
export function hostAllowed(header: string | undefined, policy: HostPolicy): boolean {
  if (header === undefined) return true;
  const name = hostNameOf(header);
  if (name === null) return false;
  if (isLoopbackHostName(name)) return true;
  const bind = policy.bindHost.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === bind) return true;
  if ((policy.allowedHosts ?? []).some((h) => h.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1') === name)) return true;
  return WILDCARD.has(bind) && isIP(name) !== 0;
}

/** The one-line refusal both servers send with 403. */
export function hostRefusal(header: string | undefined): string {
  return `Host ${JSON.stringify(header ?? '')} is not allowed: this server answers only loopback names and addresses, its --host, and names given with --allowed-hosts (protection against DNS rebinding)`;
}
