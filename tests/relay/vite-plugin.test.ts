import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createServer, type ViteDevServer } from 'vite';
import WebSocket from 'ws';
import { RELAY_PATH } from '../../src/shared/protocol.ts';
import { doorpeerRelay } from '../../signaling/vite-plugin.ts';
import { silentLogger } from '../../signaling/log.ts';
import { connectAs, makeDist, withTimeout } from './helpers.ts';

describe('vite plugin (npm run dev)', () => {
  let vite: ViteDevServer;
  let port: number;
  const root = makeDist();

  before(async () => {
    vite = await createServer({
      root: root.dir,
      configFile: false,
      logLevel: 'silent',
      plugins: [doorpeerRelay({ log: silentLogger })],
      server: { port: 0, host: '127.0.0.1', strictPort: false },
      optimizeDeps: { noDiscovery: true, include: [] },
    });
    await vite.listen();
    port = (vite.httpServer!.address() as AddressInfo).port;
  });
  after(async () => {
    await vite.close();
    root.cleanup();
  });

  test('the relay answers on /ws of the dev server', async () => {
    const a = await connectAs(`ws://127.0.0.1:${port}${RELAY_PATH}`);
    const b = await connectAs(`ws://127.0.0.1:${port}${RELAY_PATH}`);
    a.client.sendJson({ t: 'send', to: b.deviceId, payload: 'ZGV2' });
    assert.equal((await b.client.next('deliver')).from, a.deviceId);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test("Vite's own HMR socket still connects", async () => {
    const hmr = new WebSocket(`ws://127.0.0.1:${port}/`, 'vite-hmr');
    const first = await withTimeout(
      new Promise<string>((resolve, reject) => {
        hmr.once('message', (data) => resolve(data.toString()));
        hmr.once('error', reject);
      }),
      'the HMR hello',
    );
    assert.match(first, /"type":"connected"/);
    hmr.close();
  });
});
