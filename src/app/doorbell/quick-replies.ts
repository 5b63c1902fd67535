/** The owner's prepared quick replies (viewer settings), kept in IndexedDB. */
import { DOORBELL_LIMITS } from '../../shared/doorbell-messages.ts';
import { getSetting, setSetting, type Db } from '../db.ts';
import { i18n } from '../../i18n/i18n.ts';

/**
 * The replies a viewer has before the owner edits the list, in the language shown now
 * (issue 14): what is sent is the text the owner picked, with that language.
 */
export function defaultQuickReplies(): string[] {
  return [
    i18n._('Please leave it at the door.'),
    i18n._('I am coming, one moment please.'),
    i18n._('Sorry, we are not interested.'),
  ];
}

/** Pure: one reply per non-empty line, trimmed, de-duplicated, within the wire limits. */
export function normaliseReplies(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const t = line.trim().slice(0, DOORBELL_LIMITS.quickReplyChars);
    if (t && !out.includes(t)) out.push(t);
  }
  return out.slice(0, DOORBELL_LIMITS.quickReplies);
}

/** The owner's own list, or null while the owner has none (the defaults are shown: `defaultQuickReplies`). */
export async function loadQuickReplies(db: Db): Promise<string[] | null> {
  return (await getSetting(db, 'quickReplies')) ?? null;
}

export async function saveQuickReplies(db: Db, lines: readonly string[]): Promise<string[]> {
  const replies = normaliseReplies(lines);
  await setSetting(db, 'quickReplies', replies);
  return replies;
}
