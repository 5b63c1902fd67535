/**
 * What runs inside the clips benchmark's pages, as expression strings (tsx compiles the
 * harness with keepNames, whose `__name` helper does not exist in the page; see
 * bench/ttff/pages/api.ts).
 */

/**
 * Camera page (app origin): replaces whatever sealed clips the camera holds with one of
 * random bytes, `size` long, pending for `viewerId`, with a correct whole-clip SHA-256 and
 * well-formed (but meaningless) wrapped key. The viewer receives and verifies it like any
 * clip, then cannot open it (that comes after the transfer being measured). Returns its ID.
 */
export const INJECT_CLIP = `async ({ dbName, viewerId, size }) => {
  const b64u = (bytes) => {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  };
  const rand = (n) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536)));
    return b;
  };
  const body = rand(size);
  const sha256 = b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', body)));
  const id = 'bench' + b64u(rand(9));
  const db = await new Promise((resolve, reject) => {
    const r = indexedDB.open(dbName);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  await new Promise((resolve, reject) => {
    const tx = db.transaction('sealedClips', 'readwrite');
    tx.objectStore('sealedClips').clear();
    tx.objectStore('sealedClips').put({
      id, type: 'person', at: Date.now(), durationMs: 20000, mime: 'video/webm', size,
      snapshotBytes: 0, sha256, snapshotIv: b64u(rand(12)), clipIv: b64u(rand(12)),
      keys: { [viewerId]: { epk: b64u(rand(91)), salt: b64u(rand(16)), iv: b64u(rand(12)), wrapped: b64u(rand(48)) } },
      pending: [viewerId],
      body: new Blob([body]),
    });
    tx.oncomplete = () => resolve(0);
    tx.onerror = () => reject(tx.error);
  });
  db.close();
  return id;
}`;

/** Any page: the \`doorpeer:clip-<name>\` marks as { id, t (epoch ms), detail }. */
export const clipMarks = (name: string): string => `performance
  .getEntriesByName('doorpeer:clip-${name}')
  .map((m) => ({ id: m.detail && m.detail.id, t: performance.timeOrigin + m.startTime, detail: m.detail }))`;

/**
 * Raw baseline, both ends: a peer connection with one pre-negotiated, ordered data channel
 * (as the app's), no media. \`RAW_OFFER\` / \`RAW_ANSWER\` return the SDP once ICE gathering is
 * complete, so the harness passes one message each way.
 */
const RAW_PC = `(() => {
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  const ch = pc.createDataChannel('raw', { negotiated: true, id: 0, ordered: true });
  ch.binaryType = 'arraybuffer';
  window.__raw = { pc, ch };
  return pc;
})()`;
const GATHERED = `(pc) => new Promise((resolve) => {
  if (pc.iceGatheringState === 'complete') return resolve(pc.localDescription.sdp);
  pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve(pc.localDescription.sdp));
})`;

export const RAW_OFFER = `(async () => {
  const pc = ${RAW_PC};
  await pc.setLocalDescription(await pc.createOffer());
  return (${GATHERED})(pc);
})()`;

export const RAW_ANSWER = `async (offer) => {
  const pc = ${RAW_PC};
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  await pc.setLocalDescription(await pc.createAnswer());
  return (${GATHERED})(pc);
}`;

export const RAW_ACCEPT = `async (answer) => {
  await window.__raw.pc.setRemoteDescription({ type: 'answer', sdp: answer });
  return 0;
}`;

/**
 * Sender: on each text "go", sends \`size\` random bytes in \`frameBytes\` messages with the
 * same back-pressure thresholds as the app's DataLink (wait above 1 MiB until 256 KiB).
 */
export const RAW_SERVE = `async ({ size, frameBytes }) => {
  const { ch } = window.__raw;
  if (ch.readyState !== 'open') await new Promise((r) => ch.addEventListener('open', r, { once: true }));
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
  ch.bufferedAmountLowThreshold = 256 * 1024;
  ch.onmessage = async () => {
    for (let at = 0; at < size; at += frameBytes) {
      while (ch.bufferedAmount > 1024 * 1024)
        await new Promise((r) => ch.addEventListener('bufferedamountlow', r, { once: true }));
      ch.send(bytes.slice(at, Math.min(size, at + frameBytes)));
    }
  };
  return 0;
}`;

/** Receiver: sends "go" and resolves with ms from then to the last of \`size\` bytes. */
export const RAW_FETCH = `async (size) => {
  const { ch } = window.__raw;
  if (ch.readyState !== 'open') await new Promise((r) => ch.addEventListener('open', r, { once: true }));
  return new Promise((resolve) => {
    let got = 0;
    ch.onmessage = (e) => {
      got += e.data.byteLength;
      if (got >= size) resolve(performance.now() - start);
    };
    const start = performance.now();
    ch.send('go');
  });
}`;

export const RAW_CLOSE = `(() => { window.__raw && window.__raw.pc.close(); window.__raw = null; return 0; })()`;
