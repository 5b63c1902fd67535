import { test } from 'node:test';
import assert from 'node:assert/strict';
import { staticImports } from '../../bench/i18n/bundle.ts';

test('static imports of a built chunk are found; dynamic import() is not one', () => {
  const code =
    'import{a as b}from"./chunk-1.js";import"./side.js";const x=()=>import("./lazy.js");export{b};';
  assert.deepEqual(staticImports(code), ['./chunk-1.js', './side.js']);
});
