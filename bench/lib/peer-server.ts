/** PeerJS's `peer` server in this process, for the PeerJS contenders (ttff, glass). */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PeerServer } from 'peer';
import type { Cleanup } from './cleanup.ts';

/** Starts it on a loopback port chosen by the OS; returns the port. */
export async function startPeerServer(cleanup: Cleanup): Promise<number> {
  const server = await new Promise<Server>((resolve) => {
    PeerServer({ host: '127.0.0.1', port: 0, path: '/', allow_discovery: false }, (s) =>
      resolve(s as Server),
    );
  });
  cleanup.add('peer server', () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}
