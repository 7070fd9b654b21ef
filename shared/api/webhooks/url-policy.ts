import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where webhooks may be sent: the defence against server-side request forgery. A webhook URL
 * is chosen by an API consumer and fetched from inside our network, so it must never reach
 * loopback, private networks, link-local addresses (the cloud metadata service at
 * 169.254.169.254 and fd00:ec2::254 among them) or other special ranges.
 *
 * Deployed stages allow only https to public addresses. The local stage may also allow http
 * and https to loopback, so a developer can receive events on their own machine: that is the
 * `allowLoopback` setting (OSMA_WEBHOOK_ALLOW_LOOPBACK, honoured only in the local stack's
 * process: see `isLocalStack`). Everything else is refused there too.
 *
 * The URL is checked when an endpoint is created or changed, and again at every send by
 * resolving its host and checking every address; the send connects to exactly the addresses
 * that were checked (see `checkedLookup`), so DNS cannot be changed in between.
 */
export interface UrlPolicy {
  allowLoopback: boolean;
}

export const MAX_URL_LENGTH = 2048;

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * IPv4 addresses no webhook may reach: every block of IANA's IPv4 special-purpose address
 * registry that is not globally reachable, multicast and the reserved 240.0.0.0/4 (loopback is
 * here too; the local stage lifts only that). The registry's few globally reachable anycast
 * blocks (AS112, AMT) serve no webhooks and may stay.
 */
const FORBIDDEN_IPV4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", 0.0.0.0
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments (DS-Lite, NAT64 discovery, ...)
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, limited broadcast 255.255.255.255
] as const) {
  FORBIDDEN_IPV4.addSubnet(network, prefix, 'ipv4');
}

/**
 * IPv6 is judged by an allow-list: only global unicast (2000::/3) is reachable. Everything
 * outside it is reserved, local or multicast: ::1, ::, the IPv4-compatible ::/96 and
 * IPv4-translated ::ffff:0:0:0/96, the local-use NAT64 64:ff9b:1::/48 (whose operator chooses
 * where the IPv4 address sits, so it cannot be judged), discard-only 100::/64, segment routing
 * 5f00::/16, unique local fc00::/7 (fd00:ec2::254, the EC2 metadata service over IPv6, is in
 * it), link-local fe80::/10, site-local fec0::/10 and multicast ff00::/8. The two forms that
 * carry an IPv4 address at a fixed place are judged by that address (see `embeddedIpv4`).
 */
const GLOBAL_UNICAST_IPV6 = new BlockList();
GLOBAL_UNICAST_IPV6.addSubnet('2000::', 3, 'ipv6');

/** The blocks of global unicast that IANA's IPv6 special-purpose registry sets apart. */
const FORBIDDEN_IPV6 = new BlockList();
for (const [network, prefix] of [
  ['2001::', 23], // IETF protocol assignments: Teredo 2001::/32 (which tunnels to an IPv4 address), benchmarking, ORCHID
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: reaches the IPv4 address it carries through any relay
  ['3fff::', 20], // documentation
] as const) {
  FORBIDDEN_IPV6.addSubnet(network, prefix, 'ipv6');
}

/**
 * The IPv4 address an IPv6 address carries where a host reaches that IPv4 address:
 * IPv4-mapped (::ffff:a.b.c.d, which a dual-stack socket connects to over IPv4) and the
 * well-known NAT64 prefix (64:ff9b::a.b.c.d, translated by the network).
 */
export function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  if (zeros(0, 5) && groups[5] === 0xffff) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return v4(groups[6]!, groups[7]!);
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included). */
function expandIpv6(address: string): number[] | undefined {
  let text = address.split('%')[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const octets = dotted[1]!.split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((octets[0]! << 8) | octets[1]!).toString(16)}:${((octets[2]! << 8) | octets[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const start = parse(head);
  const end = parse(tail);
  const groups = tail === undefined ? start : [...start, ...Array(8 - start.length - end.length).fill(0), ...end];
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff)
    ? groups
    : undefined;
}

export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return LOOPBACK.check(address, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    return v4 !== undefined ? LOOPBACK.check(v4, 'ipv4') : LOOPBACK.check(address, 'ipv6');
  }
  return false;
}

/** Why an address may not be reached, or undefined when it may. */
export function forbiddenAddress(address: string, policy: UrlPolicy): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  if (policy.allowLoopback && isLoopbackAddress(address)) return undefined;
  if (isPublicAddress(address, family)) return undefined;
  return isLoopbackAddress(address)
    ? `it resolves to a loopback address (${address})`
    : `it resolves to a private, link-local or reserved address (${address})`;
}

function isPublicAddress(address: string, family: number): boolean {
  if (family === 4) return !FORBIDDEN_IPV4.check(address, 'ipv4');
  const v4 = embeddedIpv4(address);
  if (v4 !== undefined) return !FORBIDDEN_IPV4.check(v4, 'ipv4');
  const bare = address.split('%')[0]!;
  return GLOBAL_UNICAST_IPV6.check(bare, 'ipv6') && !FORBIDDEN_IPV6.check(bare, 'ipv6');
}

function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** `[::1]` in a URL is `::1` to the resolver. */
export function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * The checks that need no network: a well-formed absolute URL, https (or http to loopback
 * where loopback is allowed), no credentials, no fragment, and a host that is not a
 * forbidden address or a loopback name. Returns the problem, or undefined.
 */
export function urlProblem(text: string, policy: UrlPolicy): string | undefined {
  if (text.length > MAX_URL_LENGTH) return `url must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'url must be a valid absolute URL';
  }
  const host = bareHost(url.hostname);
  const loopbackHost = isLoopbackName(host) || isLoopbackAddress(host);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowLoopback && loopbackHost)) {
    return policy.allowLoopback ? 'url must use https (or http to a loopback address)' : 'url must use https';
  }
  if (url.username || url.password) return 'url must not contain credentials';
  if (url.hash) return 'url must not contain a fragment';
  if (!host) return 'url must have a host';
  if (isIP(host)) {
    const problem = forbiddenAddress(host, policy);
    return problem && `url is not allowed: ${problem}`;
  }
  if (isLoopbackName(host) && !policy.allowLoopback) return 'url is not allowed: it names a loopback host';
  return undefined;
}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/**
 * The full check: `urlProblem`, then the host resolved and every address it resolves to
 * checked. Returns the problem, or undefined when the URL may be used.
 */
export async function checkUrl(text: string, policy: UrlPolicy, resolver: Resolver = systemResolver): Promise<string | undefined> {
  const problem = urlProblem(text, policy);
  if (problem) return problem;
  const host = bareHost(new URL(text).hostname);
  if (isIP(host)) return undefined;
  let addresses: LookupAddress[];
  try {
    addresses = await resolver(host);
  } catch {
    return `url is not allowed: its host ${host} does not resolve`;
  }
  if (addresses.length === 0) return `url is not allowed: its host ${host} does not resolve`;
  for (const { address } of addresses) {
    const forbidden = forbiddenAddress(address, policy);
    if (forbidden) return `url is not allowed: ${forbidden}`;
  }
  return undefined;
}

/**
 * A `lookup` for http(s).request that resolves the host, refuses the connection when any
 * address is forbidden, and otherwise hands the checked addresses to the socket: the
 * connection goes to an address that was checked, whatever DNS answers a moment later.
 */
export function checkedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      for (const { address } of list) {
        const forbidden = forbiddenAddress(address, policy);
        if (forbidden) {
          const refused = Object.assign(new Error(`refused to connect: ${forbidden}`), { code: 'EWEBHOOKFORBIDDEN' });
          return callback(refused, '', 0);
        }
      }
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
