import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { uuidv7 } from 'uuidv7';
import { BadInputError, NotFoundError, UnauthenticatedError } from '../common/errors';
import { isUuid } from '../common/ids';
import { MAX_CACHED_KEYS } from '../common/limits';
import { CHANNELS, notifyAtCommit } from '../db/notification-listener';
import { actorOf, Caller, RequestContext } from '../common/request-context';
import { ApiKeyEntity } from './api-key.entity';
import { isRole, Role, ROLES } from '../common/roles';

export interface CreatedApiKey {
  id: string;
  name: string;
  roles: Role[];
  /** The secret, shown once. */
  key: string;
}

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function generateApiKeySecret(): string {
  return `ccc_${randomBytes(32).toString('base64url')}`;
}

/**
 * A key's name is its holder's identity: maker-checker compares it with a draft's editors,
 * the edit trail and the decision log record it. Several keys may share a name (that is how
 * one holder rotates keys), so these names, which the service itself writes, must never be
 * given to a key: `system` publishes the seed and creates ADMIN_API_KEY, `anonymous` stands
 * for no caller in the logs.
 */
export const RESERVED_KEY_NAMES: readonly string[] = ['system', 'anonymous'];

/** Invisible and format characters (zero-width spaces and joiners, bidi controls, soft hyphens...) and controls. */
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

/**
 * Cyrillic and Greek letters drawn like Latin ones: after NFKC (which folds full-width and
 * compatibility forms) these are what still make a look-alike of a reserved name.
 */
const LATIN_LOOKALIKES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ԁ: 'd',
  һ: 'h',
  ӏ: 'l',
  ԛ: 'q',
  ԝ: 'w',
  ү: 'y',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  μ: 'u',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  γ: 'y',
};

/** What a name looks like, for comparing with the reserved names: NFKC, lower case, look-alikes folded to Latin. */
export function keyNameSkeleton(name: string): string {
  return [...name.normalize('NFKC').toLowerCase()].map((char) => LATIN_LOOKALIKES[char] ?? char).join('');
}

export class ApiKeyService {
  /** Active keys by hash. Only used while `cacheEnabled()`: revocations reach it by NOTIFY. */
  private readonly cache = new Map<string, Caller>();
  /**
   * Bumped by every `forget`: a key read from the database before a revocation arrived
   * must not enter the cache after it, or the revoked key would stay valid in this process.
   */
  private generation = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cacheEnabled: () => boolean = () => false,
  ) {}

  /** Drops cached keys: one by id, or all (after the notification connection was lost). */
  forget(keyId: string | null): void {
    this.generation += 1;
    if (keyId === null) {
      this.cache.clear();
      return;
    }
    for (const [hash, caller] of this.cache) if (caller.keyId === keyId) this.cache.delete(hash);
  }

  /** Resolves a bearer secret to its caller; unknown or revoked keys are UNAUTHENTICATED. */
  async authenticate(secret: string): Promise<Caller> {
    const hash = hashApiKey(secret);
    const cached = this.cacheEnabled() ? this.cache.get(hash) : undefined;
    if (cached) return cached;
    const generation = this.generation;
    const row = await this.dataSource
      .createQueryBuilder()
      .select(['k.id AS id', 'k.name AS name', 'k.roles AS roles', 'k.key_hash AS key_hash'])
      .from('api_key', 'k')
      .where('k.key_hash = :hash AND k.revoked_at IS NULL', { hash })
      .getRawOne<{ id: string; name: string; roles: string[]; key_hash: string }>();
    if (!row || !timingSafeEqual(Buffer.from(row.key_hash, 'hex'), Buffer.from(hash, 'hex'))) {
      throw new UnauthenticatedError('the API key is unknown or revoked');
    }
    const caller = { keyId: row.id, name: row.name, roles: row.roles.filter(isRole) };
    if (this.cacheEnabled() && generation === this.generation) {
      if (this.cache.size >= MAX_CACHED_KEYS) this.cache.clear();
      this.cache.set(hash, caller);
    }
    return caller;
  }

  async create(context: RequestContext, name: string, roles: string[], secret = generateApiKeySecret()): Promise<CreatedApiKey> {
    // Stored in NFKC form: one name, one spelling, whatever the keyboard produced.
    const trimmed = name.normalize('NFKC').trim();
    if (!trimmed || trimmed.length > 100) throw new BadInputError('name must be 1 to 100 characters');
    if (INVISIBLE.test(trimmed))
      throw new BadInputError('name must not contain invisible or format characters (zero-width, bidi controls, control characters)');
    if (RESERVED_KEY_NAMES.includes(keyNameSkeleton(trimmed))) {
      throw new BadInputError(`"${trimmed}" is reserved for the service itself (reserved: ${RESERVED_KEY_NAMES.join(', ')}); name the key after its holder`);
    }
    if (roles.length === 0) throw new BadInputError(`roles must name at least one of ${ROLES.join(', ')}`);
    const unknown = roles.filter((role) => !isRole(role));
    if (unknown.length > 0) throw new BadInputError(`unknown role(s) ${unknown.join(', ')}; known roles: ${ROLES.join(', ')}`);
    const uniqueRoles = [...new Set(roles)] as Role[];
    const id = uuidv7();
    await this.dataSource.getRepository(ApiKeyEntity).insert({
      id,
      name: trimmed,
      roles: uniqueRoles,
      keyHash: hashApiKey(secret),
      createdBy: actorOf(context),
      createdAt: context.now,
      revokedAt: null,
    });
    return { id, name: trimmed, roles: uniqueRoles, key: secret };
  }

  async revoke(context: RequestContext, id: string): Promise<boolean> {
    if (!isUuid(id)) throw new NotFoundError(`no API key with id ${id}`);
    const revoked = await this.dataSource.transaction(async (manager) => {
      const result = await manager.getRepository(ApiKeyEntity).update({ id, revokedAt: IsNull() }, { revokedAt: context.now });
      if (!result.affected) {
        const exists = await manager.getRepository(ApiKeyEntity).existsBy({ id });
        if (!exists) throw new NotFoundError(`no API key with id ${id}`);
        return false;
      }
      // Every process drops the key from its cache when this commits.
      await notifyAtCommit(manager, CHANNELS.apiKeys, id);
      return true;
    });
    this.forget(id);
    return revoked;
  }

  async list(): Promise<ApiKeyEntity[]> {
    return this.dataSource.getRepository(ApiKeyEntity).find({ order: { createdAt: 'ASC' } });
  }

  /** Guarantees an active admin key with this secret exists (ADMIN_API_KEY). */
  async ensureAdminKey(context: RequestContext, secret: string, name = 'admin'): Promise<void> {
    const check = async (): Promise<boolean> => {
      const existing = await this.dataSource.getRepository(ApiKeyEntity).findOneBy({ keyHash: hashApiKey(secret) });
      if (existing && !existing.revokedAt && existing.roles.includes('admin')) return true;
      if (existing) {
        throw new Error('ADMIN_API_KEY matches a key that was revoked or is not an admin key; choose another secret');
      }
      return false;
    };
    if (await check()) return;
    try {
      await this.create(context, name, ['admin'], secret);
    } catch (error) {
      // Another process starting at the same moment inserted it first (unique key_hash).
      if ((error as { code?: string }).code !== '23505' || !(await check())) throw error;
    }
  }
}
