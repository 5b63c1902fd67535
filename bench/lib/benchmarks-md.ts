/** Writing results: a file replaced in one step, and a BENCHMARKS.md section formatted like the repo. */
import { readFile, rename, writeFile } from 'node:fs/promises';
import prettier from 'prettier';
import { replaceSection } from './markdown-section.ts';
import { BENCHMARKS_MD } from './paths.ts';

const BENCHMARKS_MD_HEADER = `# Benchmarks

Speed is measured here, never in tests. Every benchmark runs its baselines side by
side with Doorpeer in the same run and reports ratios, because absolute times drift
between runs and machines. Run all with \`npm run bench\` (or one with
\`npm run bench -- --only NAME\`; \`--runs N\` sets the timed runs per contender).
Results are written as JSON to \`bench/results/\`; the sections below are generated
from them.
`;

/** Writes `text` to `file` through a temporary file, so a reader never sees half of it. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/** Replaces (or adds) the section `name` of BENCHMARKS.md, made if missing. */
export async function updateBenchmarksSection(name: string, section: string): Promise<void> {
  let doc: string;
  try {
    doc = await readFile(BENCHMARKS_MD, 'utf8');
  } catch {
    doc = BENCHMARKS_MD_HEADER;
  }
  // Formatted like the rest of the repo, so that `npm run format:check` stays green after a bench run.
  const options = (await prettier.resolveConfig(BENCHMARKS_MD)) ?? {};
  const formatted = await prettier.format(replaceSection(doc, name, section), {
    ...options,
    parser: 'markdown',
  });
  await writeAtomically(BENCHMARKS_MD, formatted);
}
