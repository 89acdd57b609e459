import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { RequestCancelledError, ServiceBusyError, ShuttingDownError, TimeBudgetExceededError } from '../common/errors';
import { PolicyMetrics } from '../metrics/metrics';
import { RequestContext } from '../common/request-context';
import { ENGINE_SEMANTICS, RulesetContent, TestReport } from '../engine';
import type { WorkerReply, WorkerRequest, WorkerVersion } from './replay-worker';

export type ReplayJobKind = 'impact' | 'replay' | 'test-cases';

export interface ReplayWorkOptions {
  /** Worker threads that replay at once (REPLAY_WORKERS). */
  workers: number;
  /** Wall-clock budget of one job's work on its worker (REPLAY_TIME_BUDGET_MS); starting a worker and waiting for one are not counted. */
  timeBudgetMs: number;
}

/** Jobs that may wait for a busy worker, per worker; beyond that a job is refused as busy. */
const QUEUE_PER_WORKER = 8;
/** A worker's heap: conditions are statically bounded far below this, so reaching it means a fault. */
const WORKER_HEAP_MB = 512;

/**
 * Loads the worker's TypeScript source when the service runs from sources (jest), as ts-jest
 * does for the main thread; the built service (dist/) starts the compiled worker directly.
 */
const TYPESCRIPT_BOOTSTRAP = `
const fs = require('node:fs');
const { workerData } = require('node:worker_threads');
const ts = require(workerData.typescript);
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true };
  module._compile(ts.transpileModule(source, { fileName: filename, compilerOptions: options }).outputText, filename);
};
require(workerData.entry);
`;

function startWorker(): Worker {
  const entry = path.join(__dirname, `replay-worker${path.extname(__filename)}`);
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  if (entry.endsWith('.ts')) {
    return new Worker(TYPESCRIPT_BOOTSTRAP, { eval: true, workerData: { entry, typescript: require.resolve('typescript') }, resourceLimits });
  }
  return new Worker(entry, { resourceLimits });
}

/** One worker thread: requests are answered in order; stopping it fails whatever is pending with the reason. */
export class ReplayThread {
  private readonly pending: { resolve: (value: unknown) => void; reject: (error: Error) => void }[] = [];
  private stopReason: Error | null = null;
  /** Rejects when the thread stops before its job is done (budget, cancellation, crash). */
  readonly stopped: Promise<never>;
  private rejectStopped!: (error: Error) => void;
  /** Resolves once the worker has loaded (its first message). */
  readonly ready: Promise<void>;
  private markReady: (() => void) | null = null;

  constructor(private readonly worker: Worker) {
    this.stopped = new Promise<never>((_, reject) => (this.rejectStopped = reject));
    this.stopped.catch(() => {});
    this.ready = new Promise<void>((resolve) => (this.markReady = resolve));
    worker.on('message', (reply: WorkerReply) => {
      if (this.markReady) {
        this.markReady();
        this.markReady = null;
        return;
      }
      const waiter = this.pending.shift();
      if (!waiter) return;
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new Error(`replay failed: ${reply.message}`));
    });
    worker.on('error', (error) => this.fail(new Error(`replay worker failed: ${error.message}`)));
    worker.on('exit', (code) => this.fail(new Error(`replay worker exited (code ${code})`)));
  }

  get alive(): boolean {
    return this.stopReason === null;
  }

  request<T>(message: WorkerRequest): Promise<T> {
    if (this.stopReason) return Promise.reject(this.stopReason);
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage(message);
    });
  }

  /** Terminates the thread: the only way to interrupt a condition that is running. */
  stop(reason: Error): void {
    if (!this.fail(reason)) return;
    void this.worker.terminate();
  }

  /** Idle threads do not keep the process alive (a CLI exits when its work is done). */
  hold(busy: boolean): void {
    if (busy) this.worker.ref();
    else this.worker.unref();
  }

  private fail(reason: Error): boolean {
    if (this.stopReason) return false;
    this.stopReason = reason;
    for (const waiter of this.pending.splice(0)) waiter.reject(reason);
    this.rejectStopped(reason);
    return true;
  }
}

/**
 * Work over the decision log's history (impact analysis, replay) runs on worker threads, off
 * the thread that answers requests, so `/healthz` and evaluations stay responsive while a
 * candidate's conditions run. Each job has a wall-clock budget and follows its request's abort
 * signal; either one terminates the worker mid-condition, and a fresh one replaces it.
 */
export class ReplayWorkers {
  private readonly idle: ReplayThread[] = [];
  private readonly waiting: { resolve: (thread: ReplayThread) => void; reject: (error: Error) => void }[] = [];
  private threads = 0;
  private closed = false;

  constructor(
    private readonly options: ReplayWorkOptions,
    private readonly metrics: PolicyMetrics | null = null,
  ) {}

  /**
   * Runs `work` with a worker thread of its own, within the time budget, until done, over budget
   * or cancelled. `prepare` (compiling the candidate: bounded by the content's own limits) runs
   * first and is not counted against the budget.
   */
  async run<T>(
    kind: ReplayJobKind,
    signal: AbortSignal | undefined,
    prepare: (thread: ReplayThread) => Promise<unknown>,
    work: (thread: ReplayThread) => Promise<T>,
  ): Promise<T> {
    if (signal?.aborted) throw new RequestCancelledError();
    const budgetMs = this.options.timeBudgetMs;
    let thread: ReplayThread | null = null;
    let stop: (reason: Error) => void = () => {};
    const interrupted = new Promise<never>((_, reject) => (stop = reject));
    interrupted.catch(() => {});
    const interrupt = (reason: Error) => {
      thread?.stop(reason);
      stop(reason);
    };
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => interrupt(new RequestCancelledError());
    signal?.addEventListener('abort', onAbort, { once: true });
    let outcome = 'failed';
    try {
      const acquiring = this.acquire();
      try {
        thread = await Promise.race([acquiring, interrupted]);
      } catch (error) {
        // Given up while waiting: the worker it would have had goes to the next job.
        acquiring.then((late) => this.release(late)).catch(() => {});
        throw error;
      }
      this.metrics?.replayJobsRunning.inc();
      await Promise.race([thread.ready.then(() => prepare(thread!)), thread.stopped, interrupted]);
      timer = setTimeout(() => interrupt(new TimeBudgetExceededError(budgetMs)), budgetMs);
      const running = work(thread);
      running.catch(() => {});
      const value = await Promise.race([running, thread.stopped, interrupted]);
      outcome = 'ok';
      return value;
    } catch (error) {
      outcome =
        error instanceof TimeBudgetExceededError
          ? 'timed_out'
          : error instanceof RequestCancelledError
            ? 'cancelled'
            : error instanceof ServiceBusyError
              ? 'refused'
              : 'failed';
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (thread) {
        this.metrics?.replayJobsRunning.dec();
        this.release(thread);
      }
      this.metrics?.replayJobs.inc({ kind, outcome });
    }
  }

  /** Runs a version's test cases on a worker (the server's TestCaseRunner): a draft's cases and conditions are its editor's choice. */
  runTestCases(context: RequestContext, content: RulesetContent): Promise<TestReport> {
    const version: WorkerVersion = { cacheKey: null, content, semantics: ENGINE_SEMANTICS, againstVersion: null };
    return this.run(
      'test-cases',
      context.signal,
      (thread) => thread.request({ type: 'compile', version }),
      (thread) => thread.request<TestReport>({ type: 'test-cases' }),
    );
  }

  /** Terminates every worker; jobs still waiting are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.reject(new ShuttingDownError());
    for (const thread of this.idle.splice(0)) thread.stop(new ShuttingDownError());
  }

  private acquire(): Promise<ReplayThread> {
    if (this.closed) return Promise.reject(new ShuttingDownError());
    const idle = this.idle.pop();
    if (idle) {
      idle.hold(true);
      return Promise.resolve(idle);
    }
    if (this.threads < this.options.workers) {
      this.threads += 1;
      return Promise.resolve(new ReplayThread(startWorker()));
    }
    if (this.waiting.length >= this.options.workers * QUEUE_PER_WORKER) {
      return Promise.reject(new ServiceBusyError(`all ${this.options.workers} replay workers are busy and ${this.waiting.length} jobs wait; retry later`));
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(thread: ReplayThread): void {
    let next: ReplayThread | null = thread;
    if (!thread.alive) {
      this.threads -= 1;
      next = null;
      if (this.waiting.length > 0 && !this.closed) {
        this.threads += 1;
        next = new ReplayThread(startWorker());
      }
    }
    if (!next) return;
    const waiter = this.waiting.shift();
    if (waiter) {
      next.hold(true);
      waiter.resolve(next);
    } else if (this.closed) {
      next.stop(new ShuttingDownError());
    } else {
      next.hold(false);
      this.idle.push(next);
    }
  }
}
