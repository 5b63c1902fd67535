/**
 * The parts of the app that the viewer's first screen does not need (issue 16), each its
 * own chunk: camera mode (with detection and the door station), pairing by code or QR,
 * the history, a camera's settings panels. `prefetchViewerParts` fetches the viewer's ones
 * when the browser is idle after the first screen shows.
 */
import { lazyComponent } from './lazy.tsx';

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
