/**
 * The parts of the app that the viewer's first screen does not need (issue 16), each its
 * own chunk: camera mode (with detection and the door station), pairing by code or QR,
 * the history, a camera's settings panels. `prefetchViewerParts` fetches the viewer's ones
 * when the browser is idle after the first screen shows. The receivers and the panels that
 * show what they hold (`later.ts`) are fetched once the first screen is drawn.
 */
import type { ComponentType, FunctionComponent } from 'preact';
import { lazyComponent } from './lazy.tsx';
import type * as Later from './later.ts';

export const loadLater = (): Promise<typeof Later> => import('./later.ts');

/** One of `later.ts`'s panels: nothing until the chunk is there (quiet), then the panel. */
export function laterPanel<P extends object>(
  pick: (later: typeof Later) => ComponentType<P>,
): FunctionComponent<P> {
  return lazyComponent(() => loadLater().then(pick), { quiet: true }).Component;
}

export const LazyCameraPage = lazyComponent(() => import('./CameraPage.tsx').then((m) => m.CameraPage));
export const LazyPairRoute = lazyComponent(() => import('./PairRoute.tsx').then((m) => m.PairRoute));
export const LazyPairForm = lazyComponent(() => import('./PairForm.tsx').then((m) => m.PairForm));
export const LazyHistoryView = lazyComponent(() => import('./HistoryView.tsx').then((m) => m.HistoryView));
export const LazyRemoteManage = lazyComponent(() => import('./RemoteManage.tsx').then((m) => m.RemoteManage));
export const LazyDetectionEditor = lazyComponent(() =>
  import('./DetectionEditor.tsx').then((m) => m.DetectionEditor),
);
export const LazyClipSettingsEditor = lazyComponent(() =>
  import('./ClipSettingsEditor.tsx').then((m) => m.ClipSettingsEditor),
);

export function prefetchViewerParts(): void {
  for (const part of [
    LazyPairForm,
    LazyHistoryView,
    LazyRemoteManage,
    LazyDetectionEditor,
    LazyClipSettingsEditor,
  ]) {
    void part.prefetch();
  }
}
