/** Connects to the `peer` server named in the page's query string, the way a PeerJS app would. */
import type { Peer } from 'peerjs';

declare global {
  interface Window {
    /** Set by PeerJS's browser bundle (`peerjs.min.js`). */
    peerjs: { Peer: typeof Peer };
  }
}

/** `?server=PORT&id=PEER_ID`: the harness starts the `peer` server on a port of its choosing. */
export function openPeer(): { peer: Peer; opened: Promise<void> } {
  const params = new URLSearchParams(location.search);
  const port = Number(params.get('server'));
  const id = params.get('id');
  if (!port || !id) throw new Error('page needs ?server=PORT&id=PEER_ID');
  const peer = new window.peerjs.Peer(id, {
    host: location.hostname,
    port,
    path: '/',
    secure: false,
    // PeerJS defaults to Google's STUN and a shared public TURN password; nothing
    // leaves the machine here, and loopback host candidates need no server.
    config: { iceServers: [] },
    debug: 0,
  });
  const opened = new Promise<void>((resolve, reject) => {
    peer.once('open', () => resolve());
    peer.once('error', (err) => reject(new Error(`peerjs: ${err.type}: ${err.message}`)));
  });
  return { peer, opened };
}
