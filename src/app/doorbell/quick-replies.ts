/** The owner's prepared quick replies (viewer settings), kept in IndexedDB. */
import { DOORBELL_LIMITS } from '../../shared/doorbell-messages.ts';
import { getSetting, setSetting, type Db } from '../db.ts';

export const DEFAULT_QUICK_REPLIES = [
  'Please leave it at the door.',
  'I am coming, one moment please.',
  'Sorry, we are not interested.',
];

/** Pure: one reply per non-empty line, trimmed, de-duplicated, within the wire limits. */
export function normaliseReplies(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const t = line.trim().slice(0, DOORBELL_LIMITS.quickReplyChars);
    if (t && !out.includes(t)) out.push(t);
  }
  return out.slice(0, DOORBELL_LIMITS.quickReplies);
}

export async function loadQuickReplies(db: Db): Promise<string[]> {
  return (await getSetting(db, 'quickReplies')) ?? DEFAULT_QUICK_REPLIES;
}

export async function saveQuickReplies(db: Db, lines: readonly string[]): Promise<string[]> {
  const replies = normaliseReplies(lines);
  await setSetting(db, 'quickReplies', replies);
  return replies;
}
