import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const TOOL = path.resolve(ROOT, '../shared/tools/contract-check.mjs');

describe('the public API contract', () => {
  it('is wholly contained in the committed schema.graphql (../shared/tools/contract-check.mjs)', () => {
    if (!fs.existsSync(TOOL)) throw new Error(`the contract checker is missing at ${TOOL}: the project expects ../shared beside it`);
    const output = execFileSync(process.execPath, [TOOL, 'schema.graphql'], { cwd: ROOT, encoding: 'utf8' });
    expect(output).toContain('holds the whole contract');
  });
});
