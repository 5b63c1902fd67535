import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLOSE_CODES, RELAY_PATH } from '../../src/shared/protocol.ts';
import { connectAs, makeDist, withTimeout } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Starting tsx in a child process takes a moment on a 2-core machine. */
const SPAWN_WAIT_MS = 30_000;
/** Where these relays keep their VAPID key: a temporary directory, not the home directory of whoever runs the tests. */
const STATE_DIR = mkdtempSync(join(tmpdir(), 'doorpeer-cli-state-'));

function startCli(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'signaling/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: '', HOST: '', DOORPEER_ICE_SERVERS: '', DOORPEER_STATE_DIR: STATE_DIR },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(stream: NodeJS.ReadableStream | null): { text: () => string } {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => (text += chunk));
  return { text: () => text };
}

function exited(child: ChildProcess): Promise<number | null> {
  // 'close' rather than 'exit': it waits for stdout and stderr to be fully read.
  return withTimeout(
    once(child, 'close').then(([code]) => code as number | null),
    'process exit',
    SPAWN_WAIT_MS,
  );
}

describe('cli (npm start)', () => {
  test('prints the listening line with the real port; SIGTERM closes sockets with 1001 and exits 0', async () => {
    const dist = makeDist();
    const child = startCli(['--port', '0', '--host', '127.0.0.1', '--dist', dist.dir]);
    const stderr = collect(child.stderr);
    const stdout = collect(child.stdout);
    try {
      const firstLine = await withTimeout(
        new Promise<string>((resolve, reject) => {
          child.stdout?.on('data', () => {
            const nl = stdout.text().indexOf('\n');
            if (nl >= 0) resolve(stdout.text().slice(0, nl));
          });
          child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr.text()}`)));
        }),
        'the listening line',
        SPAWN_WAIT_MS,
      );
      const m = /^Doorpeer listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(firstLine);
      assert.ok(m, `unexpected first line: ${firstLine}`);
      const port = Number(m[1]);
      assert.ok(port > 0);

      const page = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(page.status, 200);
      await page.arrayBuffer();

      const { client } = await connectAs(`ws://127.0.0.1:${port}${RELAY_PATH}`);
      const exit = exited(child);
      child.kill('SIGTERM');
      const closed = await client.waitClosed();
      assert.equal(closed.code, CLOSE_CODES.goingAway);
      assert.equal(await exit, 0);
      assert.equal(stdout.text().split('\n').filter(Boolean).length, 2, stdout.text());
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      dist.cleanup();
    }
  });

  test('a bad flag exits 2 with a message naming it', async () => {
    const child = startCli(['--port', 'abc']);
    const stderr = collect(child.stderr);
    assert.equal(await exited(child), 2);
    assert.match(stderr.text(), /--port/);
  });

  test('--dist without an index.html exits 2 rather than building into it', async () => {
    const dist = makeDist();
    try {
      const child = startCli(['--port', '0', '--dist', `${dist.dir}/empty`]);
      const stderr = collect(child.stderr);
      assert.equal(await exited(child), 2);
      assert.match(stderr.text(), /--dist/);
    } finally {
      dist.cleanup();
    }
  });
});
