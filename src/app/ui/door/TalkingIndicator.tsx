import type { DoorStation } from '../../doorbell/door-station.ts';
import { useSubscribed } from '../hooks.ts';

/** On the owner's camera screen: which viewer's voice plays here. (The door screen names nobody.) */
export function TalkingIndicator({ door }: { door: DoorStation }) {
  const talkers = useSubscribed(
    (f) => door.on('talkers', f),
    () => door.talk.talkers(),
    [door],
  );
  if (talkers.length === 0) return null;
  return (
    <p class="talking" data-testid="talking-indicator" role="status" aria-live="assertive">
      {talkers.map((t) => t.name).join(', ')} {talkers.length === 1 ? 'is' : 'are'} talking
    </p>
  );
}
