/**
 * Which IP addresses a relay may POST a push to: public unicast only. Pure.
 * A push endpoint is chosen by a device, so without this check a relay would
 * fetch whatever a device names: its own admin ports, the home router, cloud
 * metadata (SSRF). Every address a push host resolves to must pass.
 *
 * IPv6 addresses that carry an IPv4 address (mapped, compatible, NAT64, 6to4)
 * are judged by the IPv4 address inside them.
 */
import { isIP } from 'node:net';

/** [first octets, prefix length] of IPv4 ranges that are not public unicast. */
const V4_BLOCKED: readonly [number[], number][] = [
  [[0], 8], // "this network"
  [[10], 8], // private
  [[100, 64], 10], // carrier-grade NAT
  [[127], 8], // loopback
  [[169, 254], 16], // link-local (and cloud metadata at 169.254.169.254)
  [[172, 16], 12], // private
  [[192, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2], 24], // documentation
  [[192, 88, 99], 24], // 6to4 relay anycast
  [[192, 168], 16], // private
  [[198, 18], 15], // benchmarking
  [[198, 51, 100], 24], // documentation
  [[203, 0, 113], 24], // documentation
  [[224], 4], // multicast
  [[240], 4], // reserved, and 255.255.255.255
];

/** True only for a public unicast address; false for anything else, including garbage. */
export function isPublicAddress(ip: string): boolean {
  const kind = isIP(ip);
  if (kind === 4) return isPublicV4(parseV4(ip));
  if (kind === 6) return isPublicV6(parseV6(ip));
  return false;
}

function parseV4(ip: string): number[] {
  return ip.split('.').map(Number);
}

function inV4(bytes: readonly number[], [net, prefix]: [number[], number]): boolean {
  for (let bit = 0; bit < prefix; bit++) {
    const i = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((bytes[i] ?? 0) & mask) !== ((net[i] ?? 0) & mask)) return false;
  }
  return true;
}

function isPublicV4(bytes: readonly number[]): boolean {
  return !V4_BLOCKED.some((range) => inV4(bytes, range));
}

/** 16 bytes of an IPv6 address (`isIP` already said it is one); a zone (`%eth0`) means link-local. */
function parseV6(ip: string): number[] | null {
  if (ip.includes('%')) return null;
  let text = ip;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    tail.push(...parseV4(v4[1]));
    text = `${text.slice(0, -v4[1].length)}0:0`;
  }
  const [head = '', rest] = text.split('::');
  const groups = (s: string): number[] => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const missing = 8 - left.length - right.length;
  const all = [...left, ...new Array<number>(Math.max(0, missing)).fill(0), ...right];
  const bytes = all.flatMap((g) => [(g >> 8) & 0xff, g & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function isPublicV6(b: number[] | null): boolean {
  if (b === null || b.length !== 16) return false;
  const zeros = (from: number, to: number): boolean => b.slice(from, to).every((x) => x === 0);
  const embedded = b.slice(12, 16);
  // ::/128 and ::1, and the deprecated IPv4-compatible ::a.b.c.d
  if (zeros(0, 12)) return false;
  // ::ffff:a.b.c.d (IPv4-mapped) and 64:ff9b::a.b.c.d (NAT64): the IPv4 address decides.
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return isPublicV4(embedded);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) {
    return isPublicV4(embedded);
  }
  // 2002:a.b.c.d::/48 (6to4)
  if (b[0] === 0x20 && b[1] === 0x02) return isPublicV4(b.slice(2, 6));
  const first = b[0] ?? 0;
  if ((first & 0xfe) === 0xfc) return false; // fc00::/7 unique local
  if (first === 0xfe && ((b[1] ?? 0) & 0xc0) === 0x80) return false; // fe80::/10 link-local
  if (first === 0xfe && ((b[1] ?? 0) & 0xc0) === 0xc0) return false; // fec0::/10 site-local
  if (first === 0xff) return false; // multicast
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return false; // documentation
  if (b[0] === 0x01 && b[1] === 0x00 && zeros(2, 8)) return false; // 100::/64 discard
  // Only global unicast (2000::/3) is public.
  return (first & 0xe0) === 0x20;
}
