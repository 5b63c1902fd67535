import { i18n } from '../../i18n/i18n.ts';
import { damagedSummary, failedSummary, storageHealth } from '../storage/storage-health.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { useSubscribed } from './hooks.ts';

/**
 * On every route: what went wrong with this device's storage since the page loaded. A write
 * that failed (`storage-full`, or `storage-write-failed` for other causes) names what was not
 * saved; records skipped because they failed their shape check say how many and where
 * (`storage-damaged`). Each stays until the person presses "Got it".
 */
export function StorageNotices() {
  // Re-rendered on every change; the text read is what changes (counts), compared by value.
  useSubscribed(
    (f) => storageHealth.on('changed', f),
    () =>
      `${storageHealth.failedTotal}/${storageHealth.failed.length}/${storageHealth.damagedCount}/${storageHealth.damagedSeen}`,
    [],
  );
  const failed = storageHealth.failed;
  const full = failed.some((f) => f.kind === 'full');
  const damaged = storageHealth.damagedCount;
  const showDamaged = damaged > storageHealth.damagedSeen;
  if (failed.length === 0 && !showDamaged) return null;
  return (
    <aside class="storage-notices" aria-label={i18n._('Storage problems')}>
      {failed.length > 0 ? (
        <div
          data-testid="storage-write-failed"
          data-failed-writes={storageHealth.failedTotal}
          data-places={[...new Set(failed.map((f) => f.place))].join(' ')}
        >
          <ErrorBox
            code={full ? 'storage-full' : 'storage-write-failed'}
            detail={i18n._('not saved: {places}', { places: failedSummary(failed) })}
            onDismiss={() => storageHealth.dismissFailed()}
          />
        </div>
      ) : null}
      {showDamaged ? (
        <div
          data-testid="storage-damaged"
          data-count={damaged}
          data-places={[...storageHealth.damaged.keys()].join(' ')}
          data-keys={[...storageHealth.damaged]
            .flatMap(([place, keys]) => [...keys].map((k) => `${place}:${k}`))
            .join(' ')}
        >
          <ErrorBox
            code="storage-damaged"
            detail={i18n._('{count, plural, one {# record} other {# records}}: {places}', {
              count: damaged,
              places: damagedSummary(storageHealth.damaged),
            })}
            onDismiss={() => storageHealth.dismissDamaged()}
          />
        </div>
      ) : null}
    </aside>
  );
}
