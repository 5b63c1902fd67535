import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replaceSection } from './markdown-section.ts';

test('appends a missing section, then replaces only its body', () => {
  const first = replaceSection('# Benchmarks\n\nIntro.\n', 'ttff', 'one');
  assert.equal(first, '# Benchmarks\n\nIntro.\n\n<!-- bench:ttff:start -->\none\n<!-- bench:ttff:end -->\n');
  const withOther = replaceSection(first, 'relay', 'r');
  const second = replaceSection(withOther, 'ttff', 'two');
  assert.match(second, /bench:ttff:start -->\ntwo\n<!-- bench:ttff:end/);
  assert.match(second, /bench:relay:start -->\nr\n<!-- bench:relay:end/);
  assert.doesNotMatch(second, /\none\n/);
  assert.ok(second.startsWith('# Benchmarks\n\nIntro.\n'));
});
