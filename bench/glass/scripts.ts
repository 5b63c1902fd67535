/**
 * The init scripts (`pages/source.ts`, `sink.ts`, `rtp.ts`), each bundled with
 * the frame code into one plain script string for `page.addInitScript`. Plain
 * strings, never functions: tsx compiles the harness with keepNames, whose
 * `__name` helper does not exist in the page. Init scripts also run where the
 * app's CSP forbids inline scripts.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser } from '../lib/static-server.ts';

const PAGES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pages');

export interface InitScripts {
  /** Camera side: `getUserMedia` answers with the code-painting canvas. */
  source: string;
  /** Viewer side: reads the code of every presented frame. */
  sink: string;
  /** Both sides: keeps the page's RTCPeerConnections for their stats. */
  rtp: string;
}

async function bundle(file: string): Promise<string> {
  const code = await bundleForBrowser(path.join(PAGES_DIR, file));
  if (/^\s*(import|export)\b/m.test(code))
    throw new Error(`${file} bundled into a module, not a plain script`);
  // Its own scope: an init script's top-level names must not meet the page's.
  return `(() => {\n${code}\n})();`;
}

export async function buildInitScripts(): Promise<InitScripts> {
  return { source: await bundle('source.ts'), sink: await bundle('sink.ts'), rtp: await bundle('rtp.ts') };
}
