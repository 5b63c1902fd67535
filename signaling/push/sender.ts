/**
 * Delivers one encrypted push to a push service (RFC 8030 section 5): checks
 * the endpoint (`endpoint-policy.ts`), resolves its host and checks every
 * address (`addresses.ts`), then POSTs to the address it checked, so that DNS
 * cannot answer differently between the check and the connection (rebinding).
 * The body is the camera's ciphertext, passed through untouched; the relay adds
 * only its VAPID signature and the RFC 8030 headers.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { fromB64u } from '../../src/shared/crypto/b64u.ts';
import {
  PUSH_LIMITS,
  type PushFailureReason,
  type PushRequest,
  type PushStatus,
} from '../../src/shared/push-protocol.ts';
import { isPublicAddress } from './addresses.ts';
import { checkEndpoint } from './endpoint-policy.ts';
import { parseRetryAfter, type RetryAfterGate } from './push-limits.ts';
import { vapidAuthorization, type VapidKeys } from './vapid.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (injectable: tests make a name resolve to loopback). */
export type PushLookup = (host: string) => Promise<ResolvedAddress[]>;

export const systemLookup: PushLookup = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

export interface SenderOptions {
  vapid: VapidKeys;
  /** Normalised origins the operator added (`--push-allow-origins`). */
  allowOrigins: readonly string[];
  timeoutMs: number;
  lookup: PushLookup;
  gate: RetryAfterGate;
  now: () => number;
}

export interface PushOutcome {
  status: PushStatus;
  reason?: PushFailureReason;
  retryAfterMs?: number;
}

export async function deliverPush(req: PushRequest, opts: SenderOptions): Promise<PushOutcome> {
  const checked = checkEndpoint(req.endpoint, opts.allowOrigins);
  if (!checked.ok) return { status: 'refused', reason: checked.reason };
  const { url, operatorOrigin } = checked;

  const body = fromB64u(req.body);
  if (body.length > PUSH_LIMITS.maxBodyBytes) return { status: 'refused', reason: 'too-big' };

  const wait = opts.gate.waitMs(url.origin, opts.now());
  if (wait > 0) return { status: 'rate-limited', reason: 'retry-after', retryAfterMs: wait };

  let addresses: ResolvedAddress[];
  try {
    addresses = await opts.lookup(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  } catch {
    return { status: 'failed', reason: 'dns' };
  }
  if (addresses.length === 0) return { status: 'failed', reason: 'dns' };
  // Every address, not just the first: a name with one public and one private address is refused.
  if (!operatorOrigin && !addresses.every((a) => isPublicAddress(a.address))) {
    return { status: 'refused', reason: 'private-address' };
  }
  const pinned = addresses[0] as ResolvedAddress;

  const headers: Record<string, string> = {
    TTL: String(req.ttl),
    Urgency: req.urgency,
    'Content-Type': 'application/octet-stream',
    'Content-Encoding': 'aes128gcm',
    'Content-Length': String(body.length),
    Authorization: vapidAuthorization(opts.vapid, url.origin),
  };
  if (req.topic) headers.Topic = req.topic;

  let res: IncomingMessage;
  try {
    res = await post(url, pinned, headers, body, opts.timeoutMs);
  } catch (err) {
    return { status: 'failed', reason: (err as Error).name === 'TimeoutError' ? 'timeout' : 'network' };
  }
  // Nothing of the answer is needed but its status and Retry-After.
  res.resume();
  const code = res.statusCode ?? 0;
  if (code >= 200 && code < 300) return { status: 'sent' };
  if (code === 404 || code === 410) return { status: 'gone', reason: 'gone' };
  if (code === 429) {
    const retryAfterMs = parseRetryAfter(headerValue(res.headers['retry-after']), opts.now());
    opts.gate.block(url.origin, opts.now() + retryAfterMs);
    return { status: 'rate-limited', reason: 'retry-after', retryAfterMs };
  }
  if (code === 413) return { status: 'refused', reason: 'too-big' };
  if (code >= 500) return { status: 'failed', reason: 'server-error' };
  return { status: 'failed', reason: 'rejected' };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** POST to `url` through exactly `pinned`: name resolution is answered from the checked address. */
function post(
  url: URL,
  pinned: ResolvedAddress,
  headers: Record<string, string>,
  body: Uint8Array,
  timeoutMs: number,
): Promise<IncomingMessage> {
  const lookup: LookupFunction = (_host, options, callback) => {
    // Node asks for every address (`all`) when it races IPv4 and IPv6; give it only the checked one.
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
    } else callback(null, pinned.address, pinned.family);
  };
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers,
        lookup,
        signal: AbortSignal.timeout(timeoutMs),
        // Only used by https: the certificate must name the host, not the address.
        servername: url.hostname,
        agent: false,
      },
      resolve,
    );
    req.once('error', (err) =>
      reject(err.name === 'AbortError' ? Object.assign(err, { name: 'TimeoutError' }) : err),
    );
    req.end(body);
  });
}
