// The query-string parser's fast path (nothing to decode) must read every string exactly as URLSearchParams
// does, which the slow path uses: same names, same values, same order, same repeats.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQueryString } from '../src/http/parameters.js';

const reference = (query: string) => {
  const out = Object.create(null) as Record<string, string[]>;
  for (const [name, value] of new URLSearchParams(query)) (out[name] ??= []).push(value);
  return out;
};

const SEED = Number(process.env.FC_SEED ?? 20261125);

describe('parseQueryString', () => {
  it(`reads any printable query string as URLSearchParams does (fast-check seed ${SEED})`, () => {
    const pieces = fc.constantFrom('a', 'task_id', '=', '&', '?', '%', '%2', '%41', '%zz', '+', ' ', '__proto__', 'é', '\u{1F600}', '\uD800', '1');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.array(pieces, { maxLength: 12 }).map((p) => p.join(''))), (query) => {
        expect(JSON.stringify(parseQueryString(query))).toBe(JSON.stringify(reference(query)));
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('keeps names such as __proto__ as plain names', () => {
    expect(Object.keys(parseQueryString('__proto__=1&constructor=2'))).toEqual(['__proto__', 'constructor']);
  });
});
