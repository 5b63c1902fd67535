/** `npm test`'s first step (`scripts/preflight.ts`): what is missing, and the command that installs it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingMessage, nodeOk } from '../../scripts/prerequisites.ts';

describe('test prerequisites', () => {
  it('nothing missing: no message', () => {
    assert.equal(missingMessage([], false), null);
  });

  it('names each missing part, what it is for, and one apt-get command for exactly those packages', () => {
    const msg = missingMessage(['chromium', 'coturn'], false) ?? '';
    assert.match(msg, /Chromium: the browser tests/);
    assert.match(msg, /turnserver \(coturn\): the TURN tests/);
    assert.doesNotMatch(msg, /redis/);
    assert.match(
      msg,
      /^ {2}sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium coturn$/m,
    );
    // As root (CI), no sudo.
    assert.match(
      missingMessage(['redis'], true) ?? '',
      /^ {2}apt-get update && apt-get install -y --no-install-recommends redis-server$/m,
    );
  });

  it('Node 20.19 or newer', () => {
    assert.equal(nodeOk('v20.19.0'), true);
    assert.equal(nodeOk('v20.20.2'), true);
    assert.equal(nodeOk('v22.1.0'), true);
    assert.equal(nodeOk('v20.18.3'), false);
    assert.equal(nodeOk('v18.20.0'), false);
  });
});
