import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const TOOL = path.resolve(ROOT, '../shared/tools/contract-check.mjs');

describe('the public API contract', () => {
  (fs.existsSync(TOOL) ? it : it.skip)('is wholly contained in the committed schema.graphql (../shared/tools/contract-check.mjs)', () => {
    const output = execFileSync(process.execPath, [TOOL, 'schema.graphql'], { cwd: ROOT, encoding: 'utf8' });
    expect(output).toContain('holds the whole contract');
  });
});
