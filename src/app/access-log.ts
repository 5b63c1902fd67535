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
