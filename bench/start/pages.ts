/**
 * What the start benchmark adds to a copy of the build: the baseline page (the least any
 * app can do: open the relay socket, render an empty list) and a blank page of the same
 * origin to apply throttling on before each measured navigation. And the in-page probes.
 */
export const MINIMAL_PAGE = `<!doctype html><meta charset="utf-8"><title>minimal viewer</title>
<body><script type="module" src="/bench-minimal.js"></script></body>`;

/** Its script, a file of its own: the relay's Content-Security-Policy allows no inline script. */
export const MINIMAL_SCRIPT = `const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws');
ws.onopen = () => {
  const list = document.createElement('ul');
  list.setAttribute('data-testid', 'minimal-list');
  document.body.append(list);
};
`;

export const BLANK_PAGE = '<!doctype html><meta charset="utf-8"><title>blank</title>';

/**
 * Init script (as text: tsx would wrap a function's inner names in a helper the page lacks):
 * records in `window.__ready` the time (ms since navigation start) of the first frame that
 * shows an element matching `selector`, and in `window.__frame` the time of the first decoded
 * frame of the live video (`requestVideoFrameCallback`).
 */
export function probeScript(selector: string): string {
  return `(() => {
  const selector = ${JSON.stringify(selector)};
  const look = () => {
    if (window.__ready === undefined && document.querySelector(selector)) window.__ready = performance.now();
    const video = document.querySelector('[data-testid="live-video"]');
    if (video && !video.dataset.probed) {
      video.dataset.probed = '1';
      video.requestVideoFrameCallback(() => { if (window.__frame === undefined) window.__frame = performance.now(); });
    }
    if (window.__ready === undefined || window.__frame === undefined) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();`;
}
