// What the set-up screen takes from an alert link, against hostile parameter names: an
// input named like a property every object has (`constructor`, `toString`, `__proto__`) is
// not an input the runbook declares, so it is named as unused, never filled in; and a
// secret input stays out whatever the link does.
import { describe, expect, it } from 'vitest';
import type { InputDeclaration } from '../../src/contract/runbook.js';
import { fillFromLink, parseLinkValues, withoutSecrets } from '../../renderer/ui/lib/alert-link.js';

const declared: Record<string, InputDeclaration> = {
  instance: { type: 'string' } as InputDeclaration,
  key: { type: 'string', secret: true } as InputDeclaration,
};
const environments = [{ name: 'prod' }] as never;

describe('an alert link with hostile input names', () => {
  it('fills only inputs the runbook declares itself', () => {
    const link = parseLinkValues('env=prod&input.instance=db-7&input.constructor=x&input.toString=y&input.__proto__=z&input.hasOwnProperty=w');
    const fill = fillFromLink(link, declared, environments);
    expect(Object.keys(fill.inputs)).toEqual(['instance']);
    expect(Object.getPrototypeOf(fill.inputs)).toBe(Object.prototype);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(fill.notes).toContain(`The link gives a value for “${name}”, which this runbook does not take; it was not used.`);
    }
  });

  it('never takes a secret, and drops it from the address', () => {
    const fill = fillFromLink(parseLinkValues('env=prod&input.key=hunter2&input.instance=a'), declared, environments);
    expect(fill.inputs).toEqual({ instance: 'a' });
    expect(withoutSecrets('env=prod&input.key=hunter2&input.instance=a', declared)).toBe('env=prod&input.instance=a');
  });
});
