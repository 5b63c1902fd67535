/** Command-line options of `npm run bench`. Pure: parse argv into options or a BAD_ARGS error. */
import { BenchError } from './errors.ts';

export interface BenchArgs {
  /** Timed runs per contender (after one untimed warm-up each). */
  runs: number;
  /** Benchmarks to run by name; empty means all. */
  only: string[];
  /**
   * CPU slowdown applied through CDP to the sending (camera) side of every contender,
   * for benchmarks that take it (ttff): 1 is none, 4 is an old phone.
   */
  cameraCpu: number;
  help: boolean;
}

export const DEFAULT_RUNS = 10;

/** Slowest camera `--camera-cpu` accepts; CDP takes any rate, but beyond this a run is about the timeouts. */
export const MAX_CAMERA_CPU = 20;

export const USAGE = `Usage: npm run bench -- [--runs N] [--only NAME[,NAME...]] [--camera-cpu N]

  --runs N        timed runs per contender, after one warm-up (default ${DEFAULT_RUNS})
  --only NAME     run only these benchmarks (see the list below)
  --camera-cpu N  slow the sending side's CPU N times through CDP, an old phone at 4 (ttff only;
                  default 1, no slowdown)
  --help          show this text`;

export function parseArgs(argv: readonly string[], known: readonly string[]): BenchArgs {
  const args: BenchArgs = { runs: DEFAULT_RUNS, only: [], cameraCpu: 1, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    // Accept both `--runs 5` and `--runs=5`.
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? splitOnce(arg, '=') : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new BenchError('BAD_ARGS', `${flag} needs a value\n\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--runs': {
        const raw = value();
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 1 || n > 1000) {
          throw new BenchError('BAD_ARGS', `--runs must be a whole number from 1 to 1000, got "${raw}"`);
        }
        args.runs = n;
        break;
      }
      case '--only': {
        const names = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const unknown = names.filter((n) => !known.includes(n));
        if (unknown.length > 0) {
          throw new BenchError(
            'BAD_ARGS',
            `unknown benchmark ${unknown.join(', ')}; known: ${known.join(', ')}`,
          );
        }
        args.only.push(...names);
        break;
      }
      case '--camera-cpu': {
        const raw = value();
        const n = Number(raw);
        if (!Number.isFinite(n) || n < 1 || n > MAX_CAMERA_CPU) {
          throw new BenchError(
            'BAD_ARGS',
            `--camera-cpu must be a number from 1 to ${MAX_CAMERA_CPU}, got "${raw}"`,
          );
        }
        args.cameraCpu = n;
        break;
      }
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new BenchError('BAD_ARGS', `unknown option "${arg}"\n\n${USAGE}`);
    }
  }
  return args;
}

function splitOnce(s: string, sep: string): [string, string] {
  const at = s.indexOf(sep);
  return [s.slice(0, at), s.slice(at + 1)];
}
