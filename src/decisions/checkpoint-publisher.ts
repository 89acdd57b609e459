import fs from 'node:fs';
import { SignedCheckpoint } from './checkpoint-signing';

export interface CheckpointPublisher {
  /** Signs the chain head and writes it now (the timer calls this every CHECKPOINT_EVERY seconds). */
  publishNow(): Promise<void>;
  stop(): void;
}

/**
 * Publishes a signed checkpoint of the chain head every `everySeconds`, one JSON line
 * appended to `out` (or written to stdout), for anchoring outside the database: a ticket
 * system, a transparency log, another organisation's storage. A failure is reported and
 * the next tick tries again.
 */
export function startCheckpointPublisher(
  everySeconds: number,
  out: string | null,
  signedHead: () => Promise<SignedCheckpoint | null>,
  onError: (error: unknown) => void,
): CheckpointPublisher {
  const publishNow = async () => {
    const checkpoint = await signedHead();
    if (checkpoint === null) return;
    const line = `${JSON.stringify(checkpoint)}\n`;
    if (out) await fs.promises.appendFile(out, line);
    else process.stdout.write(line);
  };
  const timer = setInterval(() => publishNow().catch(onError), everySeconds * 1000);
  timer.unref();
  return { publishNow, stop: () => clearInterval(timer) };
}
