/**
 * What runs inside the benchmark's pages, as expression strings (tsx compiles the
 * harness with keepNames, whose `__name` helper does not exist in the page; see
 * bench/ttff/pages/api.ts).
 */

/** Viewer page: records when each `ring-alert` first shows as ringing (epoch ms, high resolution). */
export const OBSERVE_RINGS = `(() => {
  if (window.__rings) return 0;
  window.__rings = [];
  const seen = new WeakSet();
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('[data-testid="ring-alert"][data-state="ringing"]')) {
      if (seen.has(el)) continue;
      seen.add(el);
      window.__rings.push(performance.timeOrigin + performance.now());
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true });
  return 0;
})()`;

/** Door page: presses the ring button; returns the press time (epoch ms). */
export const PRESS_RING = `(() => {
  const t = performance.timeOrigin + performance.now();
  document.querySelector('[data-testid="ring-button"]').click();
  return t;
})()`;

/**
 * Installs an onset detector named \`name\` on a stream and records onsets (epoch ms) in
 * window.__onsets[name]: a sample above the threshold after at least 0.3 s below it. The
 * onset's frame is placed on the context's clock and turned into page time with
 * getOutputTimestamp (the Web Audio clock against performance.now). A ScriptProcessorNode,
 * not an AudioWorklet: the app's CSP (script-src 'self') refuses a worklet from a blob: URL,
 * and the same detector runs on both sides, so its buffering is the same on both.
 */
const DETECTOR = `async (name, stream) => {
  window.__onsets = window.__onsets || {};
  const list = (window.__onsets[name] = []);
  const ctx = new AudioContext();
  await ctx.resume();
  const size = 256;
  const proc = ctx.createScriptProcessor(size, 1, 1);
  let quiet = 1e9;
  proc.onaudioprocess = (e) => {
    const ch = e.inputBuffer.getChannelData(0);
    const first = Math.round(e.playbackTime * ctx.sampleRate) - size;
    for (let i = 0; i < ch.length; i++) {
      if (Math.abs(ch[i]) > 0.08) {
        if (quiet > ctx.sampleRate * 0.3) {
          const at = (first + i) / ctx.sampleRate;
          const ts = ctx.getOutputTimestamp();
          const perf = ts.performanceTime > 0
            ? ts.performanceTime + (at - ts.contextTime) * 1000
            : performance.now() - (ctx.currentTime - at) * 1000;
          list.push(performance.timeOrigin + perf);
        }
        quiet = 0;
      } else quiet++;
    }
  };
  const sink = ctx.createGain();
  sink.gain.value = 0;
  ctx.createMediaStreamSource(stream).connect(proc);
  proc.connect(sink).connect(ctx.destination);
  window.__detectors = window.__detectors || [];
  window.__detectors.push({ ctx, proc });
}`;

/**
 * Viewer page: onsets of its own microphone, opened with the same constraints as talk-back
 * (so Chromium shares one capture between them and both see the same bursts at the same time).
 */
export const DETECT_MIC = `(async () => {
  const mic = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  });
  window.__mic = mic;
  await (${DETECTOR})('sent', mic);
  return 0;
})()`;

/** Door page: onsets of the viewer's voice as the door plays it (`talk-audio`). */
export const DETECT_DOOR = `(async () => {
  const el = document.querySelector('[data-testid="talk-audio"]');
  if (!el || !el.srcObject) throw new Error('no talk-audio playing at the door');
  await (${DETECTOR})('heard', el.srcObject);
  return 0;
})()`;

/**
 * Viewer page: the floor. Two RTCPeerConnections in this page, the same microphone on one,
 * played from the other; onsets as 'floor-sent' and 'floor-heard'.
 */
export const FLOOR = `(async () => {
  const mic = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  });
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  const got = new Promise((resolve) => (b.ontrack = (e) => resolve(e.streams[0] || new MediaStream([e.track]))));
  a.addTrack(mic.getAudioTracks()[0], mic);
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  const remote = await got;
  const audio = document.createElement('audio');
  audio.srcObject = remote;
  audio.muted = false;
  document.body.append(audio);
  await audio.play().catch(() => undefined);
  await (${DETECTOR})('floor-sent', mic);
  await (${DETECTOR})('floor-heard', remote);
  window.__floor = { a, b, mic, audio };
  return 0;
})()`;

export const STOP_FLOOR = `(() => {
  const f = window.__floor;
  if (!f) return 0;
  f.a.close(); f.b.close(); f.mic.getTracks().forEach((t) => t.stop()); f.audio.remove();
  return 0;
})()`;

/** Onsets recorded so far under a name. */
export const onsets = (name: string): string =>
  `(window.__onsets && window.__onsets[${JSON.stringify(name)}]) || []`;
