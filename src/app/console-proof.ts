// How `handrail open` tells the console that wrote a console-PORT.json file from whatever
// listens on that port now (the console may have been killed and the port taken by another
// program, another account's included). It sends a random challenge, never the token; only
// a server that knows the token can answer with this HMAC of it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const CHALLENGE_HEADER = 'x-handrail-challenge';
export const PROOF_HEADER = 'x-handrail-proof';
/** What a challenge may look like: long enough to be unguessable, nothing a header could not carry. */
export const CHALLENGE = /^[A-Za-z0-9_-]{22,128}$/;

export function newChallenge(): string {
  return randomBytes(24).toString('base64url');
}

export function consoleProof(token: string, challenge: string): string {
  return createHmac('sha256', token).update(`handrail console proof:${challenge}`).digest('base64url');
}

export function provesToken(token: string, challenge: string, proof: string | null): boolean {
  if (proof === null) return false;
  const expected = Buffer.from(consoleProof(token, challenge));
  const offered = Buffer.from(proof);
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}
