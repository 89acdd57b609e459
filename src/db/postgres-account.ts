import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { EmbeddedDatabaseError } from './embedded-database-error';

/** The unprivileged user PostgreSQL runs as when this process is root (PostgreSQL refuses root). */
export interface PostgresAccount {
  name: string;
  uid: number;
  gid: number;
}

const ACCOUNT_NAME = 'postgres';

/** null when not root: PostgreSQL then runs as this process's own user. */
export function postgresAccount(log: (line: string) => void): PostgresAccount | null {
  if (process.getuid?.() !== 0) return null;
  const existing = lookUp(ACCOUNT_NAME);
  if (existing) return existing;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', ACCOUNT_NAME], { stdio: 'pipe' });
  } catch (error) {
    const reason = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message)
      .trim()
      .split('\n')[0];
    throw new EmbeddedDatabaseError(
      `PostgreSQL refuses to run as root, there is no user "${ACCOUNT_NAME}" to run it as, and creating one failed (${reason})`,
      `create the user (useradd --system --user-group ${ACCOUNT_NAME}), run as a non-root user, or set DATABASE_URL to a PostgreSQL server`,
    );
  }
  log(`created the system user "${ACCOUNT_NAME}" to run PostgreSQL (it refuses to run as root)`);
  const created = lookUp(ACCOUNT_NAME);
  if (!created) throw new EmbeddedDatabaseError(`user "${ACCOUNT_NAME}" was created but cannot be looked up`, 'check /etc/passwd and the name service');
  return created;
}

function lookUp(name: string): PostgresAccount | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { stdio: 'pipe' }).toString().trim());
    const gid = Number(execFileSync('id', ['-g', name], { stdio: 'pipe' }).toString().trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { name, uid, gid } : null;
  } catch {
    return null;
  }
}

/**
 * The first directory on the way to `target` that `account` may not enter (no search
 * permission for its owner, group or others class), or null when every one lets it through.
 * Supplementary groups are ignored, which can only report a reachable path as closed.
 */
export function unreachableAncestor(target: string, account: PostgresAccount): string | null {
  const absolute = path.resolve(target);
  const parts = absolute.split(path.sep).filter(Boolean);
  let current = path.parse(absolute).root;
  for (const part of parts.slice(0, -1)) {
    current = path.join(current, part);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(current);
    } catch {
      return null; // not created yet: it will be created with modes this process chooses
    }
    const bit = stat.uid === account.uid ? 0o100 : stat.gid === account.gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return current;
  }
  return null;
}
