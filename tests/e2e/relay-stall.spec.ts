/**
 * A relay that accepts the connection but never finishes the handshake (it
 * swallows the `welcome`, as an overloaded or broken relay might) does not
 * leave a device stuck on "connecting": the device gives up on that socket,
 * reconnects by itself, and is online as soon as the relay answers again.
 */
import { expect, test } from './support/fixtures.ts';
import { HostileRelay, openViewerVia } from './support/hostile-relay.ts';
import { expectRelayState } from './support/ui.ts';

test('a handshake the relay never completes is retried until the device is online', async ({
  relay,
  devices,
}) => {
  const mitm = await HostileRelay.start(relay);
  try {
    let swallowed = 0;
    // Swallow the first welcome only.
    mitm.tamper = (dir, frame) => {
      if (dir === 'down' && swallowed === 0 && frame.includes('"t":"welcome"')) {
        swallowed++;
        return null;
      }
      return frame;
    };
    const viewer = await openViewerVia(devices, mitm);
    await expectRelayState(viewer.page, 'online');
    expect(swallowed).toBe(1);
    // It took a second socket: the stalled one was given up, not waited on.
    expect(mitm.connections.length).toBeGreaterThanOrEqual(2);
  } finally {
    await mitm.close();
  }
});
