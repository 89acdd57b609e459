import { EventEmitter } from 'node:events';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';

/** Channels other processes notify on, so per-process caches stay correct. */
export const CHANNELS = {
  versions: 'ccc_policy_versions',
  apiKeys: 'ccc_policy_api_keys',
} as const;

/** Tells every process's listener, at commit of `tx`, that something on `channel` changed. */
export async function notifyAtCommit(tx: EntityManager, channel: Channel, payload: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

export interface NotificationListenerEvents {
  notification: [channel: string, payload: string];
  /** (Re)connected: notifications may have been missed meanwhile, so caches should refresh. */
  connected: [];
  error: [error: Error];
}

/**
 * One dedicated connection LISTENing on the service's channels. It reconnects by itself
 * after the database goes away, and says so, since anything sent meanwhile is lost.
 */
export class NotificationListener extends EventEmitter<NotificationListenerEvents> {
  private client: Client | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private connectedOnce = false;

  constructor(
    private readonly url: string,
    private readonly channels: readonly string[] = Object.values(CHANNELS),
  ) {
    super();
  }

  get listening(): boolean {
    return this.client !== null;
  }

  /** Resolves once the first connection is listening (or fails, then keeps retrying). */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(delayMs = 250): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 3000, keepAlive: true });
    client.on('notification', (message) => this.emit('notification', message.channel, message.payload ?? ''));
    client.on('error', (error) => this.lost(client, error, delayMs));
    client.on('end', () => this.lost(client, new Error('notification connection ended'), delayMs));
    try {
      await client.connect();
      for (const channel of this.channels) await client.query(`LISTEN ${channel}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      this.connectedOnce = true;
      this.emit('connected');
    } catch (error) {
      client.removeAllListeners();
      await client.end().catch(() => undefined);
      this.scheduleRetry(error as Error, delayMs);
    }
  }

  private lost(client: Client, error: Error, delayMs: number): void {
    if (this.client !== client) return;
    this.client = null;
    client.removeAllListeners();
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    this.scheduleRetry(error, delayMs);
  }

  private scheduleRetry(error: Error, delayMs: number): void {
    if (this.stopped) return;
    if (this.connectedOnce && this.listenerCount('error') > 0) this.emit('error', error);
    this.retryTimer = setTimeout(() => void this.connect(Math.min(delayMs * 2, 5000)), delayMs);
    this.retryTimer.unref();
  }
}
