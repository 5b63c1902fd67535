/**
 * `npm start -- --https` as a person on a home network uses it: the real CLI
 * makes its self-signed certificate in a temp state directory, prints the LAN
 * URLs and a terminal QR code, and the camera page opened over HTTPS is a
 * secure context whose camera starts.
 *
 * The page is also opened under a name that is NOT loopback (`doorpeer.test`,
 * mapped to 127.0.0.1 by Chromium's resolver rules, so traffic still stays on
 * this machine): over plain HTTP such an origin is not a secure context and
 * the camera could not start, so a passing check there shows HTTPS is what
 * made the difference. The certificate is self-signed, so the browser context
 * ignores certificate errors, as a person clicking through the warning does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, expect, test, type Browser } from '@playwright/test';
import jsQR from 'jsqr';
import { BASE_FLAGS, CHROMIUM_PATH, mediaFlags } from './support/chromium.ts';
import { chooseRoleIfAsked, PAIRING_CODE_PATTERN } from './support/devices.ts';
import { REPO_ROOT } from './support/relay.ts';

const DIST_DIR = path.resolve(process.env.DOORPEER_DIST ?? path.join(REPO_ROOT, 'dist'));
const NON_LOOPBACK_NAME = 'doorpeer.test';
/** The line that ends the start-up banner of a self-signed HTTPS start. */
const BANNER_END = /^The certificate is self-signed/m;
const QR_LABEL = 'Scan to open the camera page: ';

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
}

/** Start the CLI and resolve once it has printed its whole banner. */
async function startHttpsCli(stateDir: string): Promise<Started> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(REPO_ROOT, 'signaling', 'cli.ts'),
      '--https',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--state-dir',
      stateDir,
      '--dist',
      DIST_DIR,
    ],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DOORPEER_CERT: '', DOORPEER_KEY: '' },
    },
  );
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (err += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      if (BANNER_END.test(out)) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`CLI exited (${code}) before its banner:\n${out}\n${err}`)),
    );
  });
  await ready;
  return { child, stdout: () => out, stderr: () => err };
}

async function stopCli(started: Started | undefined): Promise<void> {
  const child = started?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

// eslint-disable-next-line no-control-regex
const ANSI_OR_CHAR = /\x1b\[(\d+)m|([^\x1b])/g;

/**
 * Reads `qrcode`'s small terminal rendering back into modules: each character
 * holds two modules (upper and lower half), and a half is dark only when the
 * foreground colour is black (SGR 30); the white-foreground halves are the quiet
 * zone's edge.
 */
function terminalQrModules(block: string): boolean[][] {
  const rows: boolean[][] = [];
  for (const line of block.split('\n')) {
    const top: boolean[] = [];
    const bottom: boolean[] = [];
    let blackInk = false;
    for (const m of line.matchAll(ANSI_OR_CHAR)) {
      if (m[1] !== undefined) {
        const sgr = Number(m[1]);
        if (sgr === 30) blackInk = true;
        else if (sgr === 37 || sgr === 0) blackInk = false;
        continue;
      }
      const [upper, lower] = (
        { '█': [true, true], '▀': [true, false], '▄': [false, true], ' ': [false, false] } as const
      )[m[2] as '█' | '▀' | '▄' | ' '] ?? [null, null];
      if (upper === null) throw new Error(`unexpected character in the terminal QR: ${JSON.stringify(m[2])}`);
      top.push(upper && blackInk);
      bottom.push(lower && blackInk);
    }
    if (top.length) rows.push(top, bottom);
  }
  return rows;
}

/** Decode the modules with jsQR, drawn 4 px per module on a white margin. */
function decodeModules(rows: boolean[][]): string | null {
  const scale = 4;
  const margin = 4;
  const cols = Math.max(...rows.map((r) => r.length));
  const w = (cols + 2 * margin) * scale;
  const h = (rows.length + 2 * margin) * scale;
  const rgba = new Uint8ClampedArray(w * h * 4).fill(255);
  rows.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++)
        for (let dx = 0; dx < scale; dx++) {
          const i = (((y + margin) * scale + dy) * w + (x + margin) * scale + dx) * 4;
          rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
        }
    }),
  );
  return jsQR(rgba, w, h)?.data ?? null;
}

test.describe('npm start -- --https', () => {
  let stateDir: string;
  let cli: Started | undefined;
  let browser: Browser | undefined;

  test.beforeAll(() => {
    if (!existsSync(path.join(DIST_DIR, 'index.html')))
      throw new Error(`${DIST_DIR}/index.html is missing: run \`npm run build\` first (\`npm test\` does).`);
  });
  test.beforeEach(() => {
    stateDir = mkdtempSync(path.join(tmpdir(), 'doorpeer-state-'));
  });
  test.afterEach(async () => {
    await browser?.close();
    browser = undefined;
    await stopCli(cli);
    cli = undefined;
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('prints the right URLs and a QR code that decodes to the camera page, which is a secure context and starts the camera', async () => {
    cli = await startHttpsCli(stateDir);
    const out = cli.stdout();

    const listening = /^Doorpeer listening on https:\/\/127\.0\.0\.1:(\d+)$/m.exec(out);
    expect(listening, out).not.toBeNull();
    const port = Number(listening![1]);
    expect(port).toBeGreaterThan(0);
    const cameraUrl = `https://127.0.0.1:${port}/#/camera`;
    expect(out).toContain(`\n  ${cameraUrl}\n`);
    expect(out).toContain(`\n  https://127.0.0.1:${port}/#/viewer\n`);
    expect(cli.stderr()).toMatch(/new self-signed certificate/);

    const labelAt = out.indexOf(QR_LABEL);
    expect(labelAt).toBeGreaterThan(0);
    const labelLineEnd = out.indexOf('\n', labelAt);
    expect(out.slice(labelAt + QR_LABEL.length, labelLineEnd)).toBe(cameraUrl);
    const qrBlock = out.slice(labelLineEnd + 1, out.search(BANNER_END));
    const modules = terminalQrModules(qrBlock);
    expect(modules.length).toBeGreaterThan(20);
    const decoded = decodeModules(modules);
    expect(decoded).toBe(cameraUrl);

    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        ...BASE_FLAGS,
        ...mediaFlags({ clip: 'person-at-door' }),
        `--host-resolver-rules=MAP ${NON_LOOPBACK_NAME} 127.0.0.1`,
      ],
    });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();

    // What the phone does after scanning: open the decoded URL.
    await page.goto(decoded!);
    expect(await page.evaluate(() => [location.protocol, window.isSecureContext])).toEqual(['https:', true]);

    // The same server under a non-loopback name: secure only because of HTTPS. The camera starts.
    await page.goto(`https://${NON_LOOPBACK_NAME}:${port}/#/camera`);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await chooseRoleIfAsked(page, 'choose-camera', 'pairing-code');
    await expect(page.getByTestId('pairing-code')).toHaveText(PAIRING_CODE_PATTERN);

    // Control: the same name over plain HTTP is not a secure context (no camera for the page).
    const plain = createServer((_req, res) => res.end('<!doctype html><title>plain</title>'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      await page.goto(`http://${NON_LOOPBACK_NAME}:${(plain.address() as AddressInfo).port}/`);
      expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    } finally {
      plain.closeAllConnections();
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });

  test('a restart with the same state directory serves the same certificate', async () => {
    cli = await startHttpsCli(stateDir);
    expect(cli.stderr()).toMatch(/new self-signed certificate \(none was stored yet\)/);
    const first = await fetchCertFingerprint(cli.stdout());
    await stopCli(cli);

    cli = await startHttpsCli(stateDir);
    expect(cli.stderr()).toMatch(/self-signed certificate kept in/);
    expect(await fetchCertFingerprint(cli.stdout())).toBe(first);
  });
});

/** The SHA-256 fingerprint of the certificate the server presents, read over a real TLS handshake. */
async function fetchCertFingerprint(stdout: string): Promise<string> {
  const port = Number(/^Doorpeer listening on https:\/\/127\.0\.0\.1:(\d+)$/m.exec(stdout)?.[1]);
  const { connect } = await import('node:tls');
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false },
      () => {
        resolve(socket.getPeerCertificate().fingerprint256);
        socket.end();
      },
    );
    socket.on('error', reject);
  });
}
