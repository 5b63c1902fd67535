/**
 * Where devices on the home network can reach this server, and the start-up
 * text that tells a person so: the URLs of the camera and viewer pages and a
 * terminal QR code of the camera page that the spare phone can scan.
 * Pure but for `QRCode.toString` (which only computes).
 */
import type { NetworkInterfaceInfo } from 'node:os';
import QRCode from 'qrcode';

export const CAMERA_ROUTE = '/#/camera';
export const VIEWER_ROUTE = '/#/viewer';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** Non-internal IPv4 addresses, in interface order (phones on Wi-Fi use IPv4 nearly always). */
export function lanIPv4Addresses(interfaces: Interfaces): string[] {
  const out: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const a of list ?? []) {
      // Link-local 169.254/16 means "no DHCP answer": nothing else on the LAN will use it.
      if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.') && !out.includes(a.address))
        out.push(a.address);
    }
  }
  return out;
}

export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1';
}

/**
 * Base URLs (no path) that reach the server, best first: the LAN addresses
 * when bound to all interfaces (then `localhost` for this machine), else the
 * bound host itself.
 */
export function reachableBaseUrls(
  scheme: 'http' | 'https',
  host: string,
  port: number,
  lanIps: readonly string[],
) {
  const hosts = isWildcardHost(host) ? [...lanIps, 'localhost'] : [host];
  return hosts.map((h) => `${scheme}://${h.includes(':') ? `[${h}]` : h}:${port}`);
}

/** Renders `url` as a QR code of half-block characters with ANSI colours, two modules per line. */
export function terminalQr(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'terminal', small: true });
}

export interface BannerInput {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  lanIps: readonly string[];
  /** True when the certificate is the generated self-signed one (browsers will warn). */
  selfSigned: boolean;
}

/** Label of the line that carries the QR code's URL in plain text; tests parse it. */
export const QR_URL_LABEL = 'Scan to open the camera page:';

/** The lines printed after "Doorpeer listening on ..." when serving HTTPS. */
export async function httpsBanner(input: BannerInput): Promise<string> {
  const bases = reachableBaseUrls(input.scheme, input.host, input.port, input.lanIps);
  const lines: string[] = [];
  if (isWildcardHost(input.host) && input.lanIps.length === 0) {
    lines.push('No LAN address found on this machine: only this machine can connect for now.');
  } else if (isLoopbackHost(input.host)) {
    lines.push('Only this machine can connect. For phones on your network, start with --host 0.0.0.0.');
  }
  lines.push('Camera page (open it on the device at the door):');
  for (const base of bases) lines.push(`  ${base}${CAMERA_ROUTE}`);
  lines.push('Viewer (open it on your own phone or computer):');
  for (const base of bases) lines.push(`  ${base}${VIEWER_ROUTE}`);
  const cameraUrl = `${bases[0]}${CAMERA_ROUTE}`;
  lines.push(`${QR_URL_LABEL} ${cameraUrl}`);
  lines.push((await terminalQr(cameraUrl)).trimEnd());
  if (input.selfSigned) {
    lines.push(
      'The certificate is self-signed: each browser warns once. README, "HTTPS on your home network", says how to go on or avoid it.',
    );
  }
  return `${lines.join('\n')}\n`;
}
