/**
 * The lint rule that keeps literal sentences out of the screens (issue 14), run with the
 * project's own ESLint config on code as a component would have it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const eslint = new ESLint();
const RULE = 'lingui/no-unlocalized-strings';

async function unlocalized(code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath: 'src/app/ui/LintProbe.tsx' });
  return (result?.messages ?? []).filter((m) => m.ruleId === RULE).length;
}

test('a literal sentence in a component, as text or as a label, fails lint', async () => {
  assert.equal(await unlocalized('export const A = () => <p>Someone is at the door</p>;\n'), 1);
  assert.equal(await unlocalized('export const B = () => <button aria-label="Ring the bell" />;\n'), 1);
  assert.equal(await unlocalized("export const C = () => <p>{'Door station'}</p>;\n"), 1);
});

test('translated text and code words (test IDs, classes, types) pass', async () => {
  const code = `import { i18n } from '../../i18n/i18n.ts';
export const D = () => (
  <button type="button" class="primary big" data-testid="ring-button" aria-label={i18n._('Ring the bell')}>
    {i18n._('Ring')}
  </button>
);
`;
  assert.equal(await unlocalized(code), 0);
});
