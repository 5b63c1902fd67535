import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { INDEX_HTML, startTestServer, type TestServer } from './helpers.ts';

const CSP =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; media-src 'self' blob:; " +
  "style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; script-src 'self' 'wasm-unsafe-eval'";

describe('static serving', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  const get = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);

  test('index.html is served with the strict CSP and security headers, never cached without revalidation', async () => {
    const res = await get('/');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), INDEX_HTML);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(res.headers.get('content-security-policy'), CSP);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.match(res.headers.get('permissions-policy') ?? '', /camera=\(self\)/);
    assert.match(res.headers.get('permissions-policy') ?? '', /microphone=\(self\)/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
  });

  test('the service worker and manifest are revalidated; hashed assets are immutable', async () => {
    for (const path of ['/index.html', '/sw.js', '/manifest.webmanifest']) {
      const res = await get(path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('cache-control'), 'no-cache', path);
      await res.arrayBuffer();
    }
    const asset = await get('/assets/index-3f9a1c.js');
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.equal(await asset.text(), 'console.log("app");');
  });

  test('unknown app paths fall back to index.html; missing files are 404 with the headers still set', async () => {
    const spa = await get('/viewer/live/abc');
    assert.equal(spa.status, 200);
    assert.equal(await spa.text(), INDEX_HTML);
    assert.equal(spa.headers.get('cache-control'), 'no-cache');

    const missing = await get('/assets/nope-123.js');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-security-policy'), CSP);
    await missing.arrayBuffer();
  });

  test('paths outside dist are not served', async () => {
    const res = await get('/..%2f..%2f..%2fetc%2fpasswd');
    const body = await res.text();
    assert.doesNotMatch(body, /root:/);
  });

  test('methods other than GET and HEAD get 405', async () => {
    const res = await get('/', { method: 'POST', body: 'x' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
    await res.arrayBuffer();
  });
});

describe('static serving after dist/ changed under a running relay', () => {
  test('a file removed since start-up fails that one request; the relay keeps serving', async () => {
    const { rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const server = await startTestServer();
    try {
      rmSync(join(server.distDir, 'assets', 'index-3f9a1c.js'));
      const gone = await fetch(`${server.url}/assets/index-3f9a1c.js`)
        .then(async (r) => `${r.status}:${(await r.text()).length}`)
        .catch(() => 'aborted');
      assert.notEqual(gone, '200:19', 'the removed file was not served');
      const res = await fetch(`${server.url}/`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), INDEX_HTML);
    } finally {
      await server.stop();
    }
  });
});
