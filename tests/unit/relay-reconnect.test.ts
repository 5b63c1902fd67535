import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAST_RETRY_WINDOW_MS, reconnectDelay } from '../../src/app/relay/reconnect.ts';

describe('relay reconnect delay', () => {
  it('tries again at most ~2.5 s apart during the first minute of an outage, however many attempts failed', () => {
    // Regression: with one 8 s cap, a relay back after a restart was found up to 8 s (16 s measured) late.
    for (let attempt = 0; attempt < 40; attempt++) {
      const d = reconnectDelay(attempt, FAST_RETRY_WINDOW_MS - 1);
      assert.ok(d <= 2500, `attempt ${attempt}: ${d} ms`);
      assert.ok(d >= 225, `attempt ${attempt}: ${d} ms`);
    }
  });

  it('spaces attempts out to at most ~10 s once the outage is a minute old', () => {
    const late = Array.from({ length: 40 }, (_, a) => reconnectDelay(a + 10, FAST_RETRY_WINDOW_MS));
    assert.ok(
      late.every((d) => d <= 10_000 && d >= 6000),
      late.join(', '),
    );
  });

  it('starts quickly: the first attempt after a drop waits well under a second', () => {
    for (let i = 0; i < 20; i++) assert.ok(reconnectDelay(0, 0) <= 375);
  });
});
