/**
 * The `peer` package's PeerServer (the PeerJS broker) as its own process, so
 * its memory can be read from /proc like Doorpeer's relay's. Prints
 * "PeerServer listening on PORT" once it listens. Limits that would cap the
 * benchmark below what is being measured are raised; nothing else changes.
 */
import type { AddressInfo } from 'node:net';
import { PeerServer } from 'peer';

PeerServer(
  {
    host: '127.0.0.1',
    port: 0,
    path: '/',
    allow_discovery: false,
    // Default 5000 clients: the benchmark holds more.
    concurrent_limit: 1_000_000,
    // Bench clients send no heartbeats; a run is far shorter than this.
    alive_timeout: 10 * 60_000,
  },
  (server) => {
    process.stdout.write(`PeerServer listening on ${(server.address() as AddressInfo).port}\n`);
  },
);
