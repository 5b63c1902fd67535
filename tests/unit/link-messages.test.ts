import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLinkMessage } from '../../src/shared/link-messages.ts';

test('link messages: the three kinds read back', () => {
  assert.deepEqual(parseLinkMessage('{"k":"play"}'), { k: 'play' });
  assert.deepEqual(parseLinkMessage('{"k":"pause"}'), { k: 'pause' });
  assert.deepEqual(parseLinkMessage('{"k":"refused","reason":"not-allowed"}'), {
    k: 'refused',
    reason: 'not-allowed',
  });
});

test('link messages: anything else is not one', () => {
  for (const bad of [
    '',
    'play',
    '{"k":"play"',
    '{"k":"watch"}',
    '{"k":"refused"}',
    '{"k":"refused","reason":"because"}',
    '[]',
    'null',
    JSON.stringify({ k: 'play', pad: 'x'.repeat(200) }),
  ])
    assert.equal(parseLinkMessage(bad), null, bad);
  assert.equal(parseLinkMessage(new ArrayBuffer(4)), null);
  assert.equal(parseLinkMessage({ k: 'play' }), null); // only text comes off the channel as a message
});
