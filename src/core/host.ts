/** A Host header taken apart: a bracketed IPv6 literal or a DNS name / IPv4 address, and a port. */
export interface HostParts {
  /** Lower case; IPv6 literals keep their brackets. */
  hostname: string;
  port: number | undefined;
}

const IPV6 = /^\[[0-9a-f:.]+\]$/i;
const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i;
const PORT = /^[0-9]{1,5}$/;
/** RFC 1035's limit on a whole name. */
const MAX_NAME = 253;

/**
 * Parses a Host header strictly: `name[:port]` or `[v6][:port]`, nothing before (no userinfo)
 * and nothing after (`[::1].evil.example` is refused). Undefined when it is anything else.
 */
export function parseHost(header: string | undefined): HostParts | undefined {
  if (header === undefined || header === '' || header.length > MAX_NAME + 8) return undefined;
  let hostname: string;
  let rest: string;
  if (header.startsWith('[')) {
    const close = header.indexOf(']');
    if (close < 0) return undefined;
    hostname = header.slice(0, close + 1);
    rest = header.slice(close + 1);
    if (!IPV6.test(hostname)) return undefined;
  } else {
    const colon = header.indexOf(':');
    hostname = colon < 0 ? header : header.slice(0, colon);
    rest = colon < 0 ? '' : header.slice(colon);
    if (hostname.length > MAX_NAME || !NAME.test(hostname)) return undefined;
  }
  let port: number | undefined;
  if (rest !== '') {
    if (!rest.startsWith(':') || !PORT.test(rest.slice(1))) return undefined;
    port = Number(rest.slice(1));
    if (port > 65535) return undefined;
  }
  return { hostname: hostname.toLowerCase(), port };
}
