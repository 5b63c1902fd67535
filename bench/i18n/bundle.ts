/**
 * What a build's first screen loads, in gzip bytes: the entry script named in `index.html`
 * and every script it imports statically (followed through the chunks' `import` statements),
 * plus the CSS linked from `index.html`. Pure over a directory of built files.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  /** Initial JavaScript: the entry and its static imports. */
  jsFiles: string[];
  jsGzip: number;
  jsRaw: number;
}

export const gzipBytes = (data: Buffer | string): number => gzipSync(data, { level: 9 }).length;

/** Static `import … from "./x.js"` and `import "./x.js"` in a built chunk (not `import()`). */
export function staticImports(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/(?:^|[;}\s])import\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+\.js)["']/g)) {
    if (m[1]) found.add(m[1]);
  }
  return [...found];
}

export async function initialBundle(dist: string): Promise<BundleSize> {
  const html = await readFile(path.join(dist, 'index.html'), 'utf8');
  const entry = /<script[^>]+type="module"[^>]+src="([^"]+)"/.exec(html)?.[1];
  if (!entry) throw new Error(`${dist}/index.html names no module script`);
  const seen = new Set<string>();
  const queue = [entry.replace(/^\//, '')];
  let jsGzip = 0;
  let jsRaw = 0;
  while (queue.length > 0) {
    const file = queue.shift() ?? '';
    if (seen.has(file)) continue;
    seen.add(file);
    const code = await readFile(path.join(dist, file), 'utf8');
    jsGzip += gzipBytes(code);
    jsRaw += Buffer.byteLength(code);
    for (const spec of staticImports(code)) {
      queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
    }
  }
  return { jsFiles: [...seen], jsGzip, jsRaw };
}
