import { DataSource } from 'typeorm';
import { ApiKeyService, hashApiKey } from '../../../src/api-keys/api-key.service';

const SECRET = 'ccc_test-secret-for-the-cache';

/** A data source whose key lookup answers only when the test releases it, counting lookups. */
function fakeDataSource() {
  const lookups: (() => void)[] = [];
  let count = 0;
  const row = { id: 'key-1', name: 'billing', roles: ['evaluator'], key_hash: hashApiKey(SECRET) };
  const builder = {
    select: () => builder,
    from: () => builder,
    where: () => builder,
    getRawOne: () => {
      count += 1;
      return new Promise((resolve) => lookups.push(() => resolve(row)));
    },
  };
  const dataSource = { createQueryBuilder: () => builder } as unknown as DataSource;
  return { dataSource, releaseNext: () => lookups.shift()!(), lookups: () => count };
}

describe('ApiKeyService cache', () => {
  it('caches a verified key while notifications are on', async () => {
    const fake = fakeDataSource();
    const keys = new ApiKeyService(fake.dataSource, () => true);
    const first = keys.authenticate(SECRET);
    fake.releaseNext();
    await first;
    await keys.authenticate(SECRET);
    expect(fake.lookups()).toBe(1);
  });

  it('does not cache a key read before a revocation that arrived while it was being read', async () => {
    const fake = fakeDataSource();
    const keys = new ApiKeyService(fake.dataSource, () => true);
    const reading = keys.authenticate(SECRET);
    keys.forget('key-1'); // the revocation's NOTIFY lands while the lookup is in flight
    fake.releaseNext();
    await reading;
    const next = keys.authenticate(SECRET);
    expect(fake.lookups()).toBe(2); // read again, so the database's answer (revoked) counts
    fake.releaseNext();
    await next;
  });
});
