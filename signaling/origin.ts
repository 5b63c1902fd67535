/**
 * Origin check for WebSocket upgrades. Browsers always send Origin on a
 * WebSocket handshake, so a page on some other site cannot use a visitor's
 * browser to talk to this relay. Non-browser clients (tests, tools) send none
 * and are let through: they gain nothing a browser page could not, since every
 * device still has to prove its key.
 */

/** Normalise an origin string to `scheme://host[:port]`, or null if it is not one. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

export function isOriginAllowed(
  origin: string | undefined,
  hostHeader: string | undefined,
  allowedOrigins: readonly string[],
): boolean {
  if (origin === undefined) return true;
  const normalized = normalizeOrigin(origin);
  // `Origin: null` (sandboxed frames, file://) and garbage are refused.
  if (normalized === null) return false;
  // Same host as the request itself: the page was served by this relay. The
  // scheme may differ behind a TLS-terminating proxy, so compare host:port only.
  if (hostHeader !== undefined && new URL(normalized).host === normalizeHost(hostHeader)) return true;
  return allowedOrigins.some((allowed) => normalizeOrigin(allowed) === normalized);
}

function normalizeHost(hostHeader: string): string | null {
  try {
    return new URL(`http://${hostHeader}`).host;
  } catch {
    return null;
  }
}
