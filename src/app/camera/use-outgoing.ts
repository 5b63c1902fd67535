/**
 * The camera page's outgoing video: the camera's stream with the privacy masks
 * burnt in (`privacy-mask.ts`), handed to the streamer (live sessions switch
 * tracks without renegotiating) and returned for the preview and detection.
 * Also serves the detection settings to managing viewers and applies masks
 * the moment they change.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Device } from '../device.ts';
import type { CameraStreamer } from './streamer.ts';
import { DetectionSettingsStore, serveDetectionSettings } from './detection-settings.ts';
import { PrivacyMasker } from './privacy-mask.ts';

export function useOutgoingStream(
  device: Device,
  raw: MediaStream | null,
  streamer: CameraStreamer,
): { stream: MediaStream | null; settings: DetectionSettingsStore | null } {
  const masker = useMemo(() => new PrivacyMasker(), []);
  const [settings, setSettings] = useState<DetectionSettingsStore | null>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);

  useEffect(() => {
    let cancelled = false;
    void DetectionSettingsStore.load(device.db).then((s) => !cancelled && setSettings(s));
    return () => {
      cancelled = true;
    };
  }, [device]);

  useEffect(() => {
    const off = masker.on('stream', (out) => {
      setStream(out);
      streamer.setStream(out);
    });
    return () => {
      off();
      masker.dispose();
    };
  }, [masker, streamer]);

  useEffect(() => {
    masker.setSource(raw);
  }, [masker, raw]);

  useEffect(() => {
    if (!settings) return;
    masker.setMasks(settings.get().masks);
    const offChanged = settings.on('changed', (s) => masker.setMasks(s.masks));
    const offServe = serveDetectionSettings(device.messenger, device.log, settings);
    return () => {
      offChanged();
      offServe();
    };
  }, [masker, settings, device]);

  return { stream, settings };
}
