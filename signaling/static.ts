/**
 * Serves the built app from `dist/` with security headers and cache rules
 * that suit a PWA: the entry points (`index.html`, the service worker, the
 * manifest) are always revalidated so an update reaches devices, while
 * Vite's content-hashed `assets/` can be cached forever.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  // MediaPipe's detector runs as WebAssembly; no other eval is allowed.
  "script-src 'self' 'wasm-unsafe-eval'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // The camera page needs camera and microphone; nothing embedded from elsewhere gets them.
  'Permissions-Policy': 'camera=(self), microphone=(self), geolocation=()',
  'X-Frame-Options': 'DENY',
};

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createStaticHandler(distDir: string): RequestHandler {
  const serve = sirv(distDir, {
    // SPA fallback: unknown extension-less paths get index.html (the app routes by hash, but be forgiving).
    single: true,
    etag: true,
    dotfiles: false,
    setHeaders(res, pathname) {
      // Paths with an extension never get the SPA fallback, so this cannot mark index.html immutable.
      const hashedAsset = pathname.startsWith('/assets/') && /\.[A-Za-z0-9]+$/.test(pathname);
      res.setHeader('Cache-Control', hashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return (req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Method Not Allowed\n');
      return;
    }
    // sirv lists dist/ at start-up and pipes a read stream; a file removed since (a rebuild or
    // an upgrade under a running relay) makes that stream fail. Answer 404 instead of crashing.
    res.once('pipe', (source) => {
      source.once('error', () => {
        if (!res.headersSent) {
          res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
        }
        res.end(res.headersSent ? undefined : 'Not Found\n');
      });
    });
    serve(req, res, () => {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
      res.end('Not Found\n');
    });
  };
}
