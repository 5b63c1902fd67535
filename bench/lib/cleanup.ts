/**
 * A stack of teardown steps, run last-in first-out. Every process or server the
 * harness starts registers its teardown here the moment it exists, so that an
 * error, Ctrl-C or a timeout half-way through still leaves nothing running.
 */
export class Cleanup {
  private readonly steps: { label: string; run: () => Promise<void> | void }[] = [];

  add(label: string, run: () => Promise<void> | void): void {
    this.steps.push({ label, run });
  }

  /** Runs every step even if some fail; returns what failed so the caller can report it. */
  async runAll(): Promise<string[]> {
    const failures: string[] = [];
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.run();
      } catch (err) {
        failures.push(`${step.label}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return failures;
  }
}
