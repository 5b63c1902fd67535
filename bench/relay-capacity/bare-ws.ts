/**
 * The floor: a bare `ws` server that accepts sockets and does nothing else,
 * with the Doorpeer relay's `ws` options. Whatever Node's net.Socket plus a
 * `ws` WebSocket cost per connection, every `ws`-based relay pays at least
 * that. It answers the way PeerServer does (`{"type":"OPEN"}`), so the load
 * generator opens it with its PeerJS client. Prints "bare ws listening on PORT".
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

const server = createServer();
const wss = new WebSocketServer({
  noServer: true,
  maxPayload: 16 * 1024,
  perMessageDeflate: false,
  clientTracking: false,
});
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => ws.send('{"type":"OPEN"}'));
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`bare ws listening on ${(server.address() as AddressInfo).port}\n`);
});
