/**
 * Where a relay may send pushes: pure checks of a push endpoint URL against
 * the allowlist of known push services, plus the origins an operator added
 * (`--push-allow-origins`, for tests and self-hosted push services).
 *
 * The default allowlist holds the push services browsers subscribe to:
 * Chrome and Android (FCM), Firefox (Mozilla autopush), Safari and iOS
 * (Apple), Edge (Windows WNS); https on the default port only. An origin the
 * operator added is trusted as given, `http:` and loopback included: that is
 * their choice, and the only way a relay ever posts to such an address.
 */

/** Exact host names, or `.suffix` for every host under a domain. */
export const DEFAULT_PUSH_HOSTS: readonly string[] = [
  'fcm.googleapis.com', // Chrome, Chromium-based browsers, Android
  'android.googleapis.com', // older Chrome subscriptions
  'updates.push.services.mozilla.com', // Firefox
  '.push.services.mozilla.com',
  'web.push.apple.com', // Safari 16+, iOS/iPadOS 16.4+ home screen apps
  '.push.apple.com',
  '.notify.windows.com', // Edge (WNS)
];

export type EndpointRefusal = 'bad-endpoint' | 'not-https' | 'not-allowed-host';

export type EndpointCheck =
  | {
      ok: true;
      url: URL;
      /** An origin the operator added: sent as given, with no address check. */
      operatorOrigin: boolean;
    }
  | { ok: false; reason: EndpointRefusal };

function hostAllowed(host: string): boolean {
  return DEFAULT_PUSH_HOSTS.some((rule) =>
    rule.startsWith('.') ? host.endsWith(rule) && host.length > rule.length : host === rule,
  );
}

/** `extraOrigins` are normalised origins (`http://localhost:8090`). */
export function checkEndpoint(raw: string, extraOrigins: readonly string[]): EndpointCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'bad-endpoint' };
  }
  // Credentials in a URL have no place in a push endpoint, and fragments are never sent.
  if (url.username || url.password || url.hash) return { ok: false, reason: 'bad-endpoint' };
  if (extraOrigins.includes(url.origin)) return { ok: true, url, operatorOrigin: true };
  if (url.protocol !== 'https:')
    return { ok: false, reason: url.protocol === 'http:' ? 'not-https' : 'bad-endpoint' };
  // The default port only: the allowlisted services listen on 443, nothing else on their hosts is a push service.
  if (url.port !== '' || !hostAllowed(url.hostname.toLowerCase()))
    return { ok: false, reason: 'not-allowed-host' };
  return { ok: true, url, operatorOrigin: false };
}
