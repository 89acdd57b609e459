import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../common/canonical-json';

/**
 * A checkpoint (a log position and its chain hash, which commits to every record up to it)
 * signed with the service's Ed25519 key. Kept or published outside the database, it lets
 * anyone holding the public key prove later that history up to it was not rewritten, and
 * that an export between two positions holds every record of the log there.
 */
export interface SignedCheckpoint {
  type: 'ccc-policy-checkpoint';
  sequence: string;
  hash: string;
  signedAt: string;
  /** sha256 of the public key (SPKI DER), first 16 hex digits: which key signed. */
  keyId: string;
  /** The public key (SPKI DER, base64), for convenience; trust comes from a copy held elsewhere. */
  publicKey: string;
  /** Ed25519 over DOMAIN + canonical JSON of { sequence, hash, signedAt }, base64. */
  signature: string;
}

const DOMAIN = 'ccc-policy checkpoint v1\n';

const signedBytes = (checkpoint: { sequence: string; hash: string; signedAt: string }): Buffer =>
  Buffer.from(DOMAIN + canonicalJson({ sequence: checkpoint.sequence, hash: checkpoint.hash, signedAt: checkpoint.signedAt }), 'utf8');

const spki = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });

export const keyIdOf = (publicKey: KeyObject): string => createHash('sha256').update(spki(publicKey)).digest('hex').slice(0, 16);

export class CheckpointSigner {
  readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error(`the checkpoint signing key must be an Ed25519 private key, not ${privateKey.asymmetricKeyType}`);
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  sign(checkpoint: { sequence: string; hash: string }, at: Date): SignedCheckpoint {
    const unsigned = { sequence: checkpoint.sequence, hash: checkpoint.hash, signedAt: at.toISOString() };
    return {
      type: 'ccc-policy-checkpoint',
      ...unsigned,
      keyId: this.keyId,
      publicKey: spki(this.publicKey).toString('base64'),
      signature: sign(null, signedBytes(unsigned), this.privateKey).toString('base64'),
    };
  }

  /** The public key as PEM: what to hand to whoever verifies checkpoints. */
  publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }
}

/** CHECKPOINT_SIGNING_KEY: a PEM (PKCS#8) Ed25519 private key file. */
export function loadCheckpointSigner(file: string): CheckpointSigner {
  return new CheckpointSigner(createPrivateKey(fs.readFileSync(file)));
}

/** Development, with no CHECKPOINT_SIGNING_KEY: a key generated on first use under DATA_DIR (owner-only), kept across restarts. */
export function developmentCheckpointSigner(dataDir: string): CheckpointSigner {
  const file = path.join(dataDir, 'checkpoint-signing-key.pem');
  if (!fs.existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  return loadCheckpointSigner(file);
}

/**
 * Checks a signed checkpoint's signature: with `trusted` (a public key held elsewhere), that
 * this key signed it; without, only that the key it names signed it (then compare its keyId).
 */
export function checkSignature(checkpoint: SignedCheckpoint, trusted: KeyObject | null = null): string | null {
  if (checkpoint?.type !== 'ccc-policy-checkpoint' || typeof checkpoint.signature !== 'string') return 'not a signed checkpoint';
  let key: KeyObject;
  try {
    key = trusted ?? createPublicKey({ key: Buffer.from(checkpoint.publicKey, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return 'unreadable public key';
  }
  if (keyIdOf(key) !== checkpoint.keyId) return trusted ? 'signed by another key' : 'keyId does not match the public key';
  return verify(null, signedBytes(checkpoint), key, Buffer.from(checkpoint.signature, 'base64')) ? null : 'bad signature';
}

/** The service's signer: CHECKPOINT_SIGNING_KEY, or the development key under DATA_DIR. */
export function checkpointSignerFor(config: { checkpointSigningKey: string | null; dataDir: string }): CheckpointSigner {
  return config.checkpointSigningKey ? loadCheckpointSigner(config.checkpointSigningKey) : developmentCheckpointSigner(config.dataDir);
}
