/**
 * A viewer's view of one ring, as a pure reducer: what the ring alert shows.
 * Unit-tested in `tests/unit/doorbell-ring.test.ts`.
 */
import type { RingWireState } from '../../shared/doorbell-messages.ts';

/** How long a ring alert rings before it counts as missed (the door gives up at about the same time). */
export const RING_ALERT_MS = 35_000;

export type RingView =
  /** Ringing here; nobody has answered yet. */
  | 'ringing'
  /** This device answered and asked the door; the door has not confirmed yet. */
  | 'answering'
  /** This device owns the conversation. */
  | 'answered-here'
  /** Another viewer answered first (`by` says who). */
  | 'answered-other'
  | 'declined'
  /** Nobody answered in time (or the door gave up). */
  | 'missed'
  | 'ended';

export interface RingCard {
  cameraId: string;
  id: string;
  at: number;
  receivedAt: number;
  view: RingView;
  by: string | null;
}

export type RingEvent =
  | { type: 'answer' }
  | { type: 'decline' }
  | { type: 'timeout' }
  | { type: 'state'; state: RingWireState; byDeviceId: string | null; byName: string | null; me: string };

export function ringReducer(card: RingCard, e: RingEvent): RingCard {
  switch (e.type) {
    case 'answer':
      return card.view === 'ringing' ? { ...card, view: 'answering' } : card;
    case 'decline':
      return card.view === 'ringing' ? { ...card, view: 'declined' } : card;
    case 'timeout':
      return card.view === 'ringing' ? { ...card, view: 'missed' } : card;
    case 'state':
      switch (e.state) {
        case 'ringing':
          return card;
        case 'answered':
          return {
            ...card,
            view: e.byDeviceId === e.me ? 'answered-here' : 'answered-other',
            by: e.byName,
          };
        case 'no-answer':
          return card.view === 'ringing' || card.view === 'answering' ? { ...card, view: 'missed' } : card;
        case 'ended':
          return card.view === 'declined' || card.view === 'missed' ? card : { ...card, view: 'ended' };
      }
  }
}

/** Whether the alert still asks for attention (chime, answer and decline buttons). */
export const isRinging = (card: RingCard): boolean => card.view === 'ringing';
