/**
 * While a viewer's live session starts, the camera holds back its standing work
 * (detection frame grabs, the pre-roll encoder) so that answering, ICE, DTLS and
 * the first encoded frame get the CPU (issue 2: on a 2-core device that work
 * competed with the first frame). Each starting session takes a hold; the window
 * is quiet while any hold is out.
 *
 * Bounded both ways, so that no viewer can keep detection and recording off by
 * asking to watch again and again: a window lasts `maxMs` at most from its first
 * hold (later holds do not extend it), and after a window ends no new one opens
 * for as long as it lasted (holds asked for meanwhile are granted as no-ops): the
 * camera is quiet half the time at most, in windows of `maxMs` at most, while a
 * normal start (quiet for half a second or so) is followed by another at once.
 * Pure bookkeeping with timers; no DOM.
 */
import { Emitter } from '../util/emitter.ts';

export class QuietWindow extends Emitter<{ change: [quiet: boolean] }> {
  private readonly holds = new Set<number>();
  private next = 0;
  private deadline: ReturnType<typeof setTimeout> | undefined;
  private startedAt = 0;
  private endedAt = -Infinity;
  /** How long the last window lasted: the next one opens no sooner than that after it ended. */
  private lastLength = 0;

  constructor(
    /** Longest quiet window, from its first hold. */
    private readonly maxMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    super();
  }

  get quiet(): boolean {
    return this.holds.size > 0;
  }

  /** Starts a hold, or joins the open window; returns its release (idempotent). */
  hold(): () => void {
    if (!this.quiet && this.now() - this.endedAt < this.lastLength) return () => {};
    const id = ++this.next;
    const opens = !this.quiet;
    this.holds.add(id);
    if (opens) {
      this.startedAt = this.now();
      this.deadline = setTimeout(() => this.clear(), this.maxMs);
      this.emit('change', true);
    }
    return () => {
      if (!this.holds.delete(id) || this.quiet) return;
      this.close();
    };
  }

  /** Ends the window now (its deadline passed, or the camera stops). */
  clear(): void {
    if (!this.quiet) return;
    this.holds.clear();
    this.close();
  }

  private close(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
    this.endedAt = this.now();
    this.lastLength = this.endedAt - this.startedAt;
    this.emit('change', false);
  }
}
