/**
 * What `npm test` needs from the machine beyond `npm install`, as pure data and logic: which
 * parts are missing, and the one command that installs them. `npm install && npm start`
 * needs none of these (the relay and the app are Node and the browser the user brings).
 */

export interface Part {
  /** What a person would call it. */
  name: string;
  /** The Debian package that provides it. */
  debianPackage: string;
  /** What it is for in the tests. */
  usedFor: string;
}

export const PARTS = {
  chromium: {
    name: 'Chromium',
    debianPackage: 'chromium',
    usedFor: 'the browser tests (real camera, viewer and door pages)',
  },
  redis: {
    name: 'redis-server',
    debianPackage: 'redis-server',
    usedFor: 'the relay tests that run two relays sharing one Redis',
  },
  coturn: {
    name: 'turnserver (coturn)',
    debianPackage: 'coturn',
    usedFor: 'the TURN tests',
  },
} as const satisfies Record<string, Part>;

export type PartId = keyof typeof PARTS;

/** Node is new enough (the relay and the tests use APIs from Node 20.19). */
export function nodeOk(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > 20 || (major === 20 && minor >= 19);
}

/** The message for the missing parts: what each is for, and the exact command that installs them. */
export function missingMessage(missing: readonly PartId[], isRoot: boolean): string | null {
  if (missing.length === 0) return null;
  const parts = missing.map((id) => PARTS[id]);
  const sudo = isRoot ? '' : 'sudo ';
  const packages = parts.map((p) => p.debianPackage).join(' ');
  return [
    'npm test needs parts this machine does not have:',
    ...parts.map((p) => `  - ${p.name}: ${p.usedFor}`),
    '',
    'Install them (Debian or Ubuntu) with:',
    `  ${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${packages}`,
    '',
    'Then run npm test again. (Chromium elsewhere: set CHROMIUM_PATH to its executable.)',
  ].join('\n');
}
