// What the editor offers inside a fence's braces: the validator's own attribute names (the
// renderer keeps a copy, since it may not import core; this keeps the copy honest), the
// ones that apply to the block's language, and target names after target= / mutates=.
import { Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTES } from '../../src/core/runbook/step-attributes.js';
import { FENCE_ATTRIBUTES, fenceCompletions } from '../../renderer/ui/views/editor/fence-completions.js';
import { spanOf } from '../../renderer/ui/views/editor/lint-diagnostics.js';

const TARGETS = ['app', 'events', 'local'];
const labels = (before: string) => fenceCompletions(before, TARGETS)?.options.map((o) => o.label) ?? null;

describe('fence attribute completion', () => {
  it('knows exactly the attributes the validator accepts, for the same kinds of step', () => {
    expect(FENCE_ATTRIBUTES.map((a) => a.name)).toEqual(Object.keys(ATTRIBUTES));
    for (const a of FENCE_ATTRIBUTES) {
      expect(a.kinds).toEqual(ATTRIBUTES[a.name]?.kinds);
      expect(a.value).toBe(ATTRIBUTES[a.name]?.value === 'required');
    }
  });

  it('offers the attributes of the block kind, without those already given', () => {
    expect(labels('```sh {')).toEqual(['target', 'mutates', 'expect-exit', 'expect-output', 'timeout', 'confirm', 'idempotent']);
    expect(labels('```sql {target=events ')).toEqual(['mutates', 'expect-output', 'expect-rows', 'timeout', 'confirm', 'idempotent']);
    expect(labels('```http {exp')).toEqual(['expect-output', 'expect-status', 'timeout', 'confirm', 'idempotent']);
    const typed = fenceCompletions('```bash {target=app con', TARGETS);
    expect(typed?.fromBack).toBe(3);
    expect(typed?.options.find((o) => o.label === 'target')).toBeUndefined();
    expect(fenceCompletions('```sh {', TARGETS)?.options.find((o) => o.label === 'target')?.apply).toBe('target=');
  });

  it('offers target names after target= and after a comma in mutates=', () => {
    expect(labels('```sh {target=')).toEqual(TARGETS);
    const partial = fenceCompletions('```sh {target=app mutates=events,ev', TARGETS);
    expect(partial?.fromBack).toBe(2);
    expect(partial?.options.map((o) => o.label)).toEqual(TARGETS);
  });

  it('offers nothing outside braces, in documentation blocks, or inside a quoted value', () => {
    expect(labels('```sh ')).toBeNull();
    expect(labels('```text {')).toBeNull();
    expect(labels('echo {target=')).toBeNull();
    expect(labels('```sh {target=app} ')).toBeNull();
    expect(labels('```sh {expect-output="^pilot-')).toBeNull();
  });
});

describe('problem positions in the editor', () => {
  const doc = Text.of(['---', 'id: probe', '```sh {target=nowhere confirm}', '']);
  it('underlines the word at line:col (1-based, as the CLI prints it)', () => {
    const { from, to } = spanOf(doc, 3, 8);
    expect(doc.sliceString(from, to)).toBe('target=nowhere');
  });
  it('stays inside the document for a position past its end', () => {
    const { from, to } = spanOf(doc, 99, 99);
    expect(from).toBe(doc.length);
    expect(to).toBe(doc.length);
  });
});
