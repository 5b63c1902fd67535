/**
 * A tiny HTTP server on 127.0.0.1, port 0, for the benchmark's own pages.
 * Loopback keeps the pages a secure context (getUserMedia, WebRTC) with no
 * certificate, and nothing is fetched from outside the machine.
 *
 * Only the files named at start are served (no path lookups on disk per
 * request). `.ts` files are transpiled to JavaScript on the fly with the
 * TypeScript compiler, so page code is type-checked with the rest of `bench/`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import type { Cleanup } from './cleanup.ts';

export interface StaticServer {
  /** e.g. `http://127.0.0.1:41234` */
  origin: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.ts': 'text/javascript; charset=utf-8',
};

/** Transpiles one TypeScript file for the browser (types erased, no bundling). */
export function transpileForBrowser(source: string, fileName: string): string {
  return ts.transpileModule(source, {
    fileName,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
}

/**
 * Bundles one TypeScript entry and everything it imports (the app's own modules,
 * npm packages such as zod) into a single ES module, in memory, with Vite's
 * `build` and none of the app's Vite config (no PWA, no minifying). For pages
 * that must run the app's real code rather than a copy of it.
 */
export async function bundleForBrowser(entry: string): Promise<string> {
  const { build } = await import('vite');
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: path.dirname(entry),
    build: {
      write: false,
      target: 'es2022',
      minify: false,
      modulePreload: false,
      rollupOptions: { input: entry, output: { format: 'es' } },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as {
    output?: { type: string; isEntry?: boolean; code?: string }[];
  }[];
  const chunks = outputs.flatMap((o) => o.output ?? []).filter((c) => c.type === 'chunk');
  if (chunks.length !== 1 || !chunks[0]?.code)
    throw new Error(`bundling ${entry} gave ${chunks.length} chunks; a bench page must be one module`);
  return chunks[0].code;
}

/**
 * `files` maps URL paths (`/floor.html`) to absolute file paths; `bundles` maps
 * URL paths (`/floor-security.js`) to TypeScript entries served bundled.
 */
export async function startStaticServer(
  files: ReadonlyMap<string, string>,
  cleanup: Cleanup,
  bundles: ReadonlyMap<string, string> = new Map(),
): Promise<StaticServer> {
  const bodies = new Map<string, { type: string; body: string }>();
  for (const [urlPath, entry] of bundles) {
    bodies.set(urlPath, { type: CONTENT_TYPES['.js'] as string, body: await bundleForBrowser(entry) });
  }
  for (const [urlPath, filePath] of files) {
    const ext = filePath.slice(filePath.lastIndexOf('.'));
    const text = await readFile(filePath, 'utf8');
    bodies.set(urlPath, {
      type: CONTENT_TYPES[ext] ?? 'application/octet-stream',
      body: ext === '.ts' ? transpileForBrowser(text, filePath) : text,
    });
  }

  const server = http.createServer((req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://x').pathname;
    const file = bodies.get(urlPath);
    if (req.method !== 'GET' || !file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  cleanup.add('static server', () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}` };
}
