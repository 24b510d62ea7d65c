// The OpenAPI documents are written in YAML (openapi/*.yaml, the source of truth) and read at start as JSON
// derived from them (openapi/*.json): parsing JSON takes a millisecond where the YAML parser took a fifth of a
// second of every start. `npm run generate:types` writes them; `npm run check:types` fails CI when they are stale.
//   tsx scripts/derive-documents.ts          write openapi/*.json
//   tsx scripts/derive-documents.ts --check  exit 1 naming any that is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const check = process.argv.includes('--check');
let stale = false;
for (const name of ['mpc-api', 'mock-control']) {
  const json = JSON.stringify(parse(readFileSync(`openapi/${name}.yaml`, 'utf8')), null, 2) + '\n';
  const target = `openapi/${name}.json`;
  if (!check) {
    writeFileSync(target, json);
    continue;
  }
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: stale
  }
  if (current !== json) {
    process.stderr.write(`${target} is stale: run npm run generate:types\n`);
    stale = true;
  }
}
process.exit(stale ? 1 : 0);
