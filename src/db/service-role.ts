import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, escapeLiteral } from 'pg';
import { DataSource } from 'typeorm';

/**
 * The role the service runs as (created by the LeastPrivilege migration, granted what the
 * service needs and owning nothing). Migrations run as the tables' owner.
 */
export const SERVICE_ROLE = 'ccc_service';

/** `url` with another user and password. */
export function urlAs(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/**
 * Lets ccc_service log in with `password`, connecting as a role that may (a superuser, as
 * initdb creates for the embedded server and tests); returns `ownerUrl` as ccc_service.
 */
export async function enableServiceLogin(ownerUrl: string, password: string): Promise<string> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`ALTER ROLE ${SERVICE_ROLE} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  return urlAs(ownerUrl, SERVICE_ROLE, password);
}

/** The embedded server's ccc_service password: generated once, kept beside its data (owner-only file). */
export function embeddedServicePassword(dataDir: string): string {
  const file = path.join(dataDir, 'service-role-password');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const password = randomBytes(24).toString('base64url');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** Whether the connection can undo the log's protections: a superuser, or the owner of the log. */
export async function connectionIsPrivileged(dataSource: DataSource): Promise<{ role: string; privileged: boolean }> {
  const [row]: { role: string; privileged: boolean }[] = await dataSource.query(
    `SELECT current_user AS role,
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
            OR pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'decision_log'::regclass), 'USAGE') AS privileged`,
  );
  return row;
}
