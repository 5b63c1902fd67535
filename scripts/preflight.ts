/**
 * `npm test` starts here: in its first second it checks that the machine has what the suite
 * needs (Node 20.19+, Chromium, redis-server, coturn's turnserver) and, if not, stops with
 * the exact command that installs what is missing, instead of failing deep inside a test
 * with a spawn error.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { CHROMIUM_PATH } from '../tests/e2e/support/chromium.ts';
import { missingMessage, nodeOk, type PartId } from './prerequisites.ts';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `command` on the PATH, as a shell would find it. */
function onPath(command: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) => executable(path.join(dir, command)));
}

if (!nodeOk(process.version)) {
  console.error(`npm test needs Node 20.19 or newer; this is ${process.version}.`);
  process.exit(1);
}
const missing: PartId[] = [];
if (!executable(CHROMIUM_PATH)) missing.push('chromium');
if (!onPath('redis-server')) missing.push('redis');
if (!onPath('turnserver')) missing.push('coturn');
const message = missingMessage(missing, process.getuid?.() === 0);
if (message) {
  console.error(message);
  process.exit(1);
}
