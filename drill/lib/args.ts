/** Command-line options of `npm run drill`. Pure: argv in, options or a BAD_ARGS error out. */
import { DrillError } from './errors.ts';

export interface DrillArgs {
  names: string[];
  short: boolean;
  seed: number;
  help: boolean;
}

/** The seed used when none is given: the day the drills were first run. */
export const DEFAULT_SEED = 20261205;

export const USAGE = `Usage: npm run drill -- [NAME ...] [--short] [--seed N]

  NAME      run only these drills (see the list below); all when none is named
  --short   a short version of each drill (what npm test runs); results are not written
  --seed N  the seed of every random choice (default ${DEFAULT_SEED}), to replay a run
  --help    show this text`;

export function parseArgs(argv: readonly string[], known: readonly string[]): DrillArgs {
  const args: DrillArgs = { names: [], short: false, seed: DEFAULT_SEED, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    switch (flag) {
      case '--short':
        args.short = true;
        break;
      case '--seed': {
        const raw = inline ?? argv[++i];
        const n = Number(raw);
        if (raw === undefined || !Number.isInteger(n) || n < 0 || n > 0xffffffff)
          throw new DrillError(
            'BAD_ARGS',
            `--seed must be a whole number from 0 to 4294967295, got "${raw ?? ''}"`,
          );
        args.seed = n;
        break;
      }
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        if (arg.startsWith('-')) throw new DrillError('BAD_ARGS', `unknown option ${arg}\n\n${USAGE}`);
        if (!known.includes(arg))
          throw new DrillError('BAD_ARGS', `unknown drill ${arg}; known: ${known.join(', ')}`);
        args.names.push(arg);
    }
  }
  return args;
}
