/**
 * Injected into Doorpeer's viewer page (the real app, served by the real relay)
 * with `page.evaluate`, which a Content-Security-Policy does not block. A
 * plain script, not a module, because `evaluate` takes a script: everything
 * sits inside one function so nothing leaks into the app's globals but
 * `window.doorpeerProbe`.
 *
 * It times from the click on `camera-tile` (in a capture listener on window,
 * the first code to see the click) to the first frame presented by the
 * `live-video` element that the live view renders after it.
 */
interface DoorpeerProbe {
  /** Starts watching for the next click on a camera tile; call before the click. */
  arm(timeoutMs: number): void;
  /** ms from the click to the first decoded frame of `live-video`. */
  result(): Promise<number>;
  /** The click, as ms since the epoch (`performance.timeOrigin` based), to line up marks from other pages. */
  clickEpoch(): number | null;
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- merges into the DOM's Window, so it is used
interface Window {
  doorpeerProbe?: DoorpeerProbe;
}

(() => {
  if (window.doorpeerProbe) return;
  let outcome: Promise<number> = Promise.reject(new Error('probe was not armed'));
  let clickEpoch: number | null = null;
  outcome.catch(() => undefined);

  function arm(timeoutMs: number): void {
    let clickAt: number | null = null;
    clickEpoch = null;
    const watched = new WeakSet<HTMLVideoElement>();
    let settle!: { resolve: (ms: number) => void; reject: (err: Error) => void };
    outcome = new Promise<number>((resolve, reject) => (settle = { resolve, reject }));
    outcome.catch(() => undefined); // read later by result(); never an unhandled rejection

    const onClick = (event: MouseEvent): void => {
      const target = event.target;
      if (clickAt === null && target instanceof Element && target.closest('[data-testid="camera-tile"]')) {
        clickAt = performance.now();
        clickEpoch = performance.timeOrigin + clickAt;
      }
    };
    const watch = (video: HTMLVideoElement): void => {
      if (watched.has(video)) return;
      watched.add(video);
      for (const type of ['loadstart', 'loadedmetadata', 'loadeddata', 'playing'])
        video.addEventListener(type, () => performance.mark(`doorpeer:video-${type}`), { once: true });
      const onFrame = (): void => {
        const at = performance.now();
        // A frame from before the click (a video left over from an earlier view) does not count.
        performance.mark('doorpeer:video-frame');
        if (clickAt === null) video.requestVideoFrameCallback(onFrame);
        else done(null, at - clickAt);
      };
      video.requestVideoFrameCallback(onFrame);
    };
    const scan = (): void => {
      document.querySelectorAll<HTMLVideoElement>('video[data-testid="live-video"]').forEach(watch);
    };
    const observer = new MutationObserver(scan);
    const timer = setTimeout(() => {
      const what = clickAt === null ? 'no click on camera-tile' : 'no frame on live-video';
      done(new Error(`TIMEOUT: ${what} within ${timeoutMs} ms`), 0);
    }, timeoutMs);
    function done(err: Error | null, ms: number): void {
      clearTimeout(timer);
      observer.disconnect();
      window.removeEventListener('click', onClick, { capture: true });
      if (err) settle.reject(err);
      else settle.resolve(ms);
    }

    window.addEventListener('click', onClick, { capture: true });
    observer.observe(document, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['data-testid'],
    });
    scan();
  }

  window.doorpeerProbe = { arm, result: () => outcome, clickEpoch: () => clickEpoch };
})();
