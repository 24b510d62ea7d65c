// The README's worked examples are test files in test/readme/, copied into the README word for word (with the
// package's name in place of the relative import): what the README shows is what CI runs.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadControlContract } from '../src/contract/openapi.js';
import { loadOutcomeRules } from '../src/server.js';

describe('README examples', () => {
  const readme = readFileSync('README.md', 'utf8');
  it.each(readdirSync('test/readme').filter((f) => f.endsWith('.test.ts')))('shows test/readme/%s as it runs', (file) => {
    const code = readFileSync(`test/readme/${file}`, 'utf8').replace("'../../src/index.js'", "'mpc-mock'");
    expect(readme).toContain(code.trimEnd());
  });

  it('shows outcome rules that the mock takes', () => {
    const block = /```json\n(\{ "rules": [\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const rules = loadOutcomeRules(JSON.parse(block!).rules, loadControlContract()).list();
    expect(rules.length).toBeGreaterThan(3);
  });
});
