/**
 * `turnTest`: the e2e fixtures plus a real coturn (`coturn`), and a relay started with its
 * TURN REST secret and URL and the ICE transport policy of the `policy` option (`relay` by
 * default: camera and viewer can only meet through coturn). The relay child process takes
 * its TURN settings from the environment (DOORPEER_TURN_SECRET, ...), which also covers that
 * way of configuring it.
 */
import { Coturn } from './coturn.ts';
import { test } from './fixtures.ts';
import { Relay, withEnv } from './relay.ts';

export const TURN_SECRET = 'e2e-turn-shared-secret';

export type Policy = 'all' | 'relay';

export const turnTest = test.extend<{ coturn: Coturn; policy: Policy }>({
  policy: ['relay', { option: true }],
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form.
  coturn: async ({}, use) => {
    const coturn = await Coturn.start({ secret: TURN_SECRET });
    await use(coturn);
    await coturn.stop();
  },
  relay: async ({ coturn, policy, relayOptions }, use) => {
    const relay = await withEnv(
      {
        DOORPEER_TURN_SECRET: TURN_SECRET,
        DOORPEER_TURN_URLS: coturn.url,
        DOORPEER_ICE_TRANSPORT_POLICY: policy,
      },
      () => Relay.start(relayOptions),
    );
    await use(relay);
    await relay.dispose();
  },
});
