// The allowed_signers parser on the lines OpenSSH's own parser accepts or rejects: comments,
// quoted principals, options with quoted values (and \" inside), times, unknown options,
// key types Handrail cannot check, and patterns with negation.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { matchPatternList, parseAllowedSigners, parseSignerTime } from '../../src/core/approvals/allowed-signers.js';
import { fingerprint } from '../../src/core/approvals/ssh-public-key.js';
import { wireString } from '../../src/core/approvals/ssh-wire.js';

function ed25519Line(): { b64: string; blob: Buffer } {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const blob = Buffer.concat([wireString('ssh-ed25519'), wireString(raw)]);
  return { b64: blob.toString('base64'), blob };
}

const K = ed25519Line();
const KEY = `ssh-ed25519 ${K.b64}`;

describe('allowed_signers parsing', () => {
  it('skips blank lines and comments, and reads a plain line with a trailing comment', () => {
    const file = parseAllowedSigners(`# approvers\n\n   # indented comment\nalice@example.com ${KEY} alice's laptop # not a comment marker\n`);
    expect(file.problems).toEqual([]);
    expect(file.signers).toHaveLength(1);
    expect(file.signers[0]).toMatchObject({ line: 4, principals: 'alice@example.com', keyType: 'ssh-ed25519', certAuthority: false, namespaces: null });
    expect(file.signers[0]!.key!.blob.equals(K.blob)).toBe(true);
  });

  it('reads a quoted principals list holding a space, and a list of several principals', () => {
    const file = parseAllowedSigners(`"Alice Approver,alice@example.com" ${KEY}\nbob,carol@example.com\t${KEY}\n`);
    expect(file.problems).toEqual([]);
    expect(file.signers.map((s) => s.principals)).toEqual(['Alice Approver,alice@example.com', 'bob,carol@example.com']);
  });

  it('reads options: namespaces with a quoted comma list, valid-after/valid-before (UTC and local), cert-authority, in any case', () => {
    const file = parseAllowedSigners(
      `alice NAMESPACES="git,handrail-approval",valid-after="20260101Z",valid-before="202701011230Z" ${KEY}\n` +
        `ca@example.com cert-authority ${KEY}\n` +
        `quoted namespaces="say \\"hi\\",x" ${KEY}\n`,
    );
    expect(file.problems).toEqual([]);
    expect(file.signers[0]).toMatchObject({ namespaces: 'git,handrail-approval', validAfter: Date.UTC(2026, 0, 1), validBefore: Date.UTC(2027, 0, 1, 12, 30) });
    expect(file.signers[1]!.certAuthority).toBe(true);
    expect(file.signers[2]!.namespaces).toBe('say "hi",x');
  });

  it.each([
    [`alice ${KEY.split(' ')[0]}`, /is not a key/],
    [`alice`, /a key must follow the principals/],
    [`"alice ${KEY}`, /quoted principals have no closing quote/],
    [`alice namespaces="git ${KEY}`, /unterminated quote/],
    [`alice namespaces=git ${KEY}`, /must be in double quotes/],
    [`alice no-touch-required ${KEY}`, /unsupported option 'no-touch-required'/],
    [`alice valid-after="2026-01-01" ${KEY}`, /is not a time/],
    [`alice valid-after="20260231" ${KEY}`, /is not a time/],
    [`alice valid-after="20270101Z",valid-before="20260101Z" ${KEY}`, /valid-before is not after valid-after/],
    [`alice namespaces="a",namespaces="b" ${KEY}`, /namespaces is given twice/],
    [`alice namespaces="a", ${KEY}`, /end with a comma/],
    [`alice ssh-ed25519 not*base64`, /not base64/],
    [`alice ssh-rsa ${K.b64}`, /the line says ssh-rsa but the key is ssh-ed25519/],
  ])('names the problem in %j with its line and column', (line, message) => {
    const file = parseAllowedSigners(`# first\n${line}\n`);
    expect(file.signers).toEqual([]);
    expect(file.problems).toHaveLength(1);
    expect(file.problems[0]!.line).toBe(2);
    expect(file.problems[0]!.column).toBeGreaterThan(0);
    expect(file.problems[0]!.message).toMatch(message);
  });

  it('keeps a line with a key type Handrail cannot check (a security key, a certificate), saying why', () => {
    const file = parseAllowedSigners(`alice sk-ssh-ed25519@openssh.com ${K.b64}\n`);
    expect(file.problems).toEqual([]);
    expect(file.signers[0]).toMatchObject({ key: null, unusable: expect.stringMatching(/security key/) as unknown });
  });

  it('fingerprints a key as ssh-keygen -l does', () => {
    expect(fingerprint(K.blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

describe('principal patterns (OpenSSH match_pattern_list)', () => {
  it.each([
    ['alice@example.com', 'alice@example.com', 1],
    ['alice@example.com', '*@example.com', 1],
    ['alice@example.com', 'bob,?lice@example.com', 1],
    ['mallory@example.com', '*@example.com,!mallory@example.com', -1],
    ['alice@example.com.evil', '*@example.com', 0],
    ['Alice@example.com', 'alice@example.com', 0],
    ['a.b', 'a?b', 1],
    ['axb', 'a.b', 0],
  ] as const)('%s against %s is %i', (value, patterns, expected) => {
    expect(matchPatternList(value, patterns)).toBe(expected);
  });

  it('reads times as OpenSSH does: a day, a minute or a second, UTC with Z', () => {
    expect(parseSignerTime('20261207Z')).toBe(Date.UTC(2026, 11, 7));
    expect(parseSignerTime('202612070130Z')).toBe(Date.UTC(2026, 11, 7, 1, 30));
    expect(parseSignerTime('20261207013005Z')).toBe(Date.UTC(2026, 11, 7, 1, 30, 5));
    expect(parseSignerTime('20261207')).toBe(new Date(2026, 11, 7).getTime());
    expect(parseSignerTime('2026120701')).toBeNull();
  });
});
