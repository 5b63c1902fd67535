/**
 * A real coturn (Debian's `turnserver`) on 127.0.0.1 for one test, with the TURN REST
 * shared secret (`use-auth-secret`), UDP only, loopback peers allowed (both browsers
 * are on this machine), its files in a temp dir. Ready once it answers a STUN Binding
 * request; stopped with SIGTERM (SIGKILL if it lingers) and its temp dir removed.
 *
 *   const turn = await Coturn.start({ secret: 'test-secret' });
 *   turn.url      // turn:127.0.0.1:PORT?transport=udp
 *   await turn.restart();   // same port and secret, every allocation gone
 *   await turn.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TurnClient } from './turn-client.ts';

export const TURNSERVER_PATH = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';
export const TURN_REALM = 'doorpeer';

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
/** Relay ports per test server: two browsers need a handful; a random block keeps parallel runs apart. */
const RELAY_PORTS = 200;

export interface CoturnOptions {
  secret: string;
  /** The listening port; a free one when left out (`restart` passes the old one). */
  port?: number;
}

export class Coturn {
  private stderrTail = '';

  private constructor(
    private child: ChildProcess,
    readonly port: number,
    private readonly secret: string,
    private dir: string,
    private exited: Promise<void>,
  ) {}

  get url(): string {
    return `turn:127.0.0.1:${this.port}?transport=udp`;
  }

  static async start({ secret, port: wanted }: CoturnOptions): Promise<Coturn> {
    const port = wanted ?? (await freeUdpPort());
    const minPort = randomInt(40_000, 60_000 - RELAY_PORTS);
    const dir = mkdtempSync(path.join(tmpdir(), 'doorpeer-coturn-'));
    const args = [
      '-n', // no /etc/turnserver.conf: everything the test relies on is on this command line
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm',
      TURN_REALM,
      '--listening-ip',
      '127.0.0.1',
      '--relay-ip',
      '127.0.0.1',
      '--listening-port',
      String(port),
      '--min-port',
      String(minPort),
      '--max-port',
      String(minPort + RELAY_PORTS - 1),
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--no-tcp',
      '--no-tcp-relay',
      // Both browsers live on 127.0.0.1; coturn refuses loopback peers unless told otherwise.
      '--allow-loopback-peers',
      '--fingerprint',
      '--log-file',
      'stdout',
      '--simple-log',
      '--pidfile',
      path.join(dir, 'turnserver.pid'),
      '--userdb',
      path.join(dir, 'turndb'),
    ];
    const child = spawn(TURNSERVER_PATH, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // If the test process dies without teardown, coturn must not outlive it.
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        process.off('exit', killOnExit);
        resolve();
      }),
    );
    const turn = new Coturn(child, port, secret, dir, exited);
    const keepTail = (chunk: Buffer): void => {
      turn.stderrTail = (turn.stderrTail + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keepTail);
    child.stderr?.on('data', keepTail);
    try {
      await turn.waitReady();
    } catch (error) {
      await turn.stop();
      throw error;
    }
    return turn;
  }

  /** Polls with STUN Binding requests (short per-request timeouts) until coturn answers, or it exits. */
  private async waitReady(): Promise<void> {
    const client = await TurnClient.open(this.port);
    let gone = false;
    void this.exited.then(() => (gone = true));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    try {
      while (!gone && Date.now() < deadline) {
        if (await client.binding(200).catch(() => false)) return;
      }
    } finally {
      client.close();
    }
    throw new Error(
      `turnserver ${gone ? 'exited' : 'did not answer STUN'} on port ${this.port}:\n${this.stderrTail}`,
    );
  }

  /**
   * Stops this server and starts a new one in its place, on the same port and secret (so the
   * URL and the credentials devices already hold stay good) but relaying from a new port
   * range: every allocation is gone, as when the TURN box of a home network reboots. Used to
   * take the path a live view is on away from under it.
   */
  async restart(): Promise<void> {
    await this.stop();
    const next = await Coturn.start({ secret: this.secret, port: this.port });
    this.child = next.child;
    this.dir = next.dir;
    this.exited = next.exited;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>(
        (resolve) => (timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS)),
      );
      if ((await Promise.race([this.exited, late])) === 'late') {
        this.child.kill('SIGKILL');
        await this.exited;
      }
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A UDP port nobody holds right now (the OS picks it; released just before coturn takes it). */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
