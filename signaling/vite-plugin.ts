/**
 * Puts the relay on Vite's own HTTP server, so `npm run dev` (and
 * `vite preview`) serve the app and the relay on one port, like production.
 * Only `/ws` upgrades are taken; Vite's HMR socket is matched by Vite on its
 * own path and `vite-hmr` subprotocol, and the two never overlap.
 */
import type { Server as HttpServer } from 'node:http';
import type { Plugin } from 'vite';
import { createRelay, isRelayUpgrade } from './relay.ts';
import type { RelayOptions } from './relay-options.ts';

export function doorpeerRelay(options: Partial<RelayOptions> = {}): Plugin {
  const attach = (httpServer: HttpServer | null, log: (msg: string) => void): void => {
    if (!httpServer) {
      log('doorpeer relay: Vite runs in middleware mode, so there is no HTTP server to attach /ws to');
      return;
    }
    const relay = createRelay(options);
    httpServer.on('upgrade', (req, socket, head) => {
      if (isRelayUpgrade(req)) relay.handleUpgrade(req, socket, head);
    });
    httpServer.once('close', () => void relay.close());
  };
  return {
    name: 'doorpeer-relay',
    configureServer(server) {
      // Vite types httpServer as http | http2 | https; all of them emit 'upgrade' the same way.
      attach(server.httpServer as HttpServer | null, (m) => server.config.logger.warn(m));
    },
    configurePreviewServer(server) {
      attach(server.httpServer as HttpServer | null, (m) => server.config.logger.warn(m));
    },
  };
}
