/**
 * The local access log (IndexedDB): who paired, watched (from when, for how
 * long), and every refused attempt with its reason. Never leaves the device.
 */
import { appendLog, readLog, type AccessEntry, type Db } from './db.ts';
import { Emitter } from './util/emitter.ts';

export class AccessLog extends Emitter<{ added: [AccessEntry] }> {
  /** Writes are queued so entries land in order even when added in a burst. */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly db: Db) {
    super();
  }

  add(entry: Omit<AccessEntry, 'ts' | 'id'> & { ts?: number }): Promise<void> {
    const full: AccessEntry = { ts: Date.now(), ...entry };
    this.chain = this.chain
      .then(() => appendLog(this.db, full))
      .then(
        () => this.emit('added', full),
        // A full disk must not stop the camera: the entry is lost, and `db.ts` has told the
        // person so (`storage-full`, naming the activity log).
        () => undefined,
      );
    return this.chain;
  }

  read(limit?: number): Promise<AccessEntry[]> {
    return this.chain.then(() => readLog(this.db, limit));
  }
}

/**
 * The fixed reasons the app writes (`reason` of an entry), word for word. They are stored as
 * these English phrases, which the log shows in the reader's language (`AccessLogView`);
 * records written before keep their phrase, so they read the same way.
 */
export const FIXED_REASONS = [
  'by the other device',
  'by this device',
  'new certificate pinned',
  'started pairing a new viewer',
  'door station on',
  'door station off',
  'right PIN',
  'with the PIN at the door',
  'locked',
  'idle',
  'missed: the door had no connection',
  'visitor message received',
  'visitor message could not be opened',
] as const;
export type FixedReason = (typeof FIXED_REASONS)[number];

/**
 * What a stored `reason` says, as data: which kind of reason and its values. A reason that
 * is none of these (a refusal code such as `not-allowed`, a technical detail, the text of a
 * quick reply, a record from an older version) is `as-is` and shown as it was stored.
 */
export type LogReason =
  | { kind: 'fixed'; reason: FixedReason }
  | { kind: 'permission'; permission: 'watch' | 'talk' | 'manage'; allowed: boolean }
  | { kind: 'changed-by'; by: string; setting: 'detection' | 'clips' | null }
  | { kind: 'wrong-pins'; count: number; atDoor: boolean }
  | { kind: 'remote-unlock'; minutes: number }
  | { kind: 'attempts-left'; count: number }
  | { kind: 'ring-viewers'; viewers: number; unreachable: number }
  | { kind: 'visitor-message'; seconds: number; viewers: number }
  | { kind: 'voice-reply'; label: string }
  | { kind: 'talk-busy'; what: string; by: string | null }
  | { kind: 'clip-link-pin-mismatch'; where: string }
  | { kind: 'as-is'; text: string };

const REASON_PATTERNS: [RegExp, (m: RegExpMatchArray) => LogReason][] = [
  [
    /^(watch|talk|manage) (allowed|revoked)$/,
    (m) => ({
      kind: 'permission',
      permission: m[1] as 'watch' | 'talk' | 'manage',
      allowed: m[2] === 'allowed',
    }),
  ],
  [/^changed by (.+)$/s, (m) => ({ kind: 'changed-by', by: m[1] ?? '', setting: null })],
  [
    /^detection settings changed by (.+)$/s,
    (m) => ({ kind: 'changed-by', by: m[1] ?? '', setting: 'detection' }),
  ],
  [
    /^clip recording settings changed by (.+)$/s,
    (m) => ({ kind: 'changed-by', by: m[1] ?? '', setting: 'clips' }),
  ],
  [
    /^(\d+) wrong in a row( at the door)?$/,
    (m) => ({ kind: 'wrong-pins', count: Number(m[1]), atDoor: !!m[2] }),
  ],
  [/^from a paired phone for (\d+) min$/, (m) => ({ kind: 'remote-unlock', minutes: Number(m[1]) })],
  [/^(\d+) attempts left$/, (m) => ({ kind: 'attempts-left', count: Number(m[1]) })],
  [/^(\d+) viewers$/, (m) => ({ kind: 'ring-viewers', viewers: Number(m[1]), unreachable: 0 })],
  [
    /^(\d+) viewers, (\d+) unreachable until the relay is back$/,
    (m) => ({ kind: 'ring-viewers', viewers: Number(m[1]), unreachable: Number(m[2]) }),
  ],
  [
    /^left a (\d+) s message for (\d+) viewers$/,
    (m) => ({ kind: 'visitor-message', seconds: Number(m[1]), viewers: Number(m[2]) }),
  ],
  [/^voice: (.*)$/s, (m) => ({ kind: 'voice-reply', label: m[1] ?? '' })],
  [
    /^([a-z-]+): busy \((.*) answered\)$/s,
    (m) => ({ kind: 'talk-busy', what: m[1] ?? '', by: m[2] === 'someone' ? null : (m[2] ?? null) }),
  ],
  [/^pin-mismatch \(([a-z]+), clip link\)$/, (m) => ({ kind: 'clip-link-pin-mismatch', where: m[1] ?? '' })],
];

/** Reads a stored `reason` back into data (see `LogReason`). */
export function parseLogReason(reason: string): LogReason {
  if ((FIXED_REASONS as readonly string[]).includes(reason))
    return { kind: 'fixed', reason: reason as FixedReason };
  for (const [pattern, read] of REASON_PATTERNS) {
    const m = reason.match(pattern);
    if (m) return read(m);
  }
  return { kind: 'as-is', text: reason };
}

/**
 * The names the app itself writes for this device's own entries (the door station: its own
 * screen, a visitor, someone typing a PIN), word for word; shown in the reader's language.
 */
export const OWN_NAMES = ['This device', 'Someone at the door', 'Visitor'] as const;
export type OwnName = (typeof OWN_NAMES)[number];

/** Who an entry is about, as data: a stored or paired name, one of `OWN_NAMES`, or nobody known. */
export type LogWho =
  { kind: 'name'; name: string } | { kind: 'own'; name: OwnName } | { kind: 'unknown'; id: string };

/** Who `entry` is about: `selfId` is this device (whose entries may carry one of `OWN_NAMES`). */
export function logWho(
  entry: AccessEntry,
  selfId: string,
  pairedName: (deviceId: string) => string | undefined,
): LogWho {
  const { name, deviceId } = entry;
  if (name !== undefined && deviceId === selfId && (OWN_NAMES as readonly string[]).includes(name))
    return { kind: 'own', name: name as OwnName };
  if (name !== undefined) return { kind: 'name', name };
  const paired = pairedName(deviceId);
  return paired !== undefined
    ? { kind: 'name', name: paired }
    : { kind: 'unknown', id: deviceId.slice(0, 6) };
}
