/**
 * The relay's only logging interface. Lines are lifecycle events and counts:
 * never payloads, and never device IDs or addresses next to anything a device
 * sent. Goes to stderr so stdout stays for the one "listening" line.
 */
export interface Logger {
  info(line: string): void;
  warn(line: string): void;
}

export const consoleLogger: Logger = {
  info: (line) => process.stderr.write(`[relay] ${line}\n`),
  warn: (line) => process.stderr.write(`[relay] warning: ${line}\n`),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {} };
