import { RequestCancelledError, ServiceBusyError } from '../../../src/common/errors';
import { ReplayWorkers } from '../../../src/decisions/replay-workers';

/** A job whose work ends when the test says so. */
function heldJob(workers: ReplayWorkers, signal?: AbortSignal) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let started = false;
  const done = workers.run(
    'impact',
    signal,
    async () => null,
    async () => {
      started = true;
      await held;
      return 'done';
    },
  );
  done.catch(() => {});
  return { done, release, started: () => started };
}

describe('replay workers', () => {
  let workers: ReplayWorkers;
  afterEach(() => workers.close());

  it('queues jobs beyond the workers and refuses one as BUSY when the queue is full, running the queued ones in turn', async () => {
    workers = new ReplayWorkers({ workers: 1, timeBudgetMs: 60_000 });
    const first = heldJob(workers);
    const queued = Array.from({ length: 8 }, () => heldJob(workers));
    const refused = heldJob(workers);
    await expect(refused.done).rejects.toBeInstanceOf(ServiceBusyError);
    await expect(refused.done).rejects.toMatchObject({ details: { reason: 'BUSY', retryable: true } });

    first.release();
    await expect(first.done).resolves.toBe('done');
    for (const job of queued) {
      job.release();
      await expect(job.done).resolves.toBe('done');
    }
  });

  it('gives the worker of a job cancelled while it waited to the next job', async () => {
    workers = new ReplayWorkers({ workers: 1, timeBudgetMs: 60_000 });
    const first = heldJob(workers);
    const cancel = new AbortController();
    const cancelled = heldJob(workers, cancel.signal);
    const next = heldJob(workers);
    cancel.abort();
    await expect(cancelled.done).rejects.toBeInstanceOf(RequestCancelledError);

    first.release();
    await first.done;
    next.release();
    await expect(next.done).resolves.toBe('done');
    expect(cancelled.started()).toBe(false);
  });

  it('refuses new jobs once closed', async () => {
    workers = new ReplayWorkers({ workers: 1, timeBudgetMs: 60_000 });
    await workers.close();
    await expect(heldJob(workers).done).rejects.toMatchObject({ details: { reason: 'SHUTTING_DOWN', retryable: true } });
  });
});
