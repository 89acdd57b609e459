import fs from 'node:fs';
import path from 'node:path';
import { RequestContext } from '../common/request-context';
import { ApiKeyService, generateApiKeySecret } from './api-key.service';

/**
 * Local development with no ADMIN_API_KEY: an admin key generated on first start and kept
 * under DATA_DIR (readable by its owner only), so restarts print the same key.
 */
export async function ensureDevelopmentKey(context: RequestContext, apiKeys: ApiKeyService, dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'development-admin-key');
  let secret: string;
  if (fs.existsSync(file)) {
    secret = fs.readFileSync(file, 'utf8').trim();
  } else {
    secret = generateApiKeySecret();
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  }
  await apiKeys.ensureAdminKey(context, secret, 'development-admin');
  return secret;
}
