import { Presets, SingleBar } from 'cli-progress';

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface Progress {
  /** Sets the count done so far. */
  update(done: number): void;
  /** Ends the display with a final count line. */
  stop(): void;
}

/** Without a terminal, a line at every tenth of the work: a log or CI output gets a few lines, not thousands. */
const PLAIN_STEPS = 10;

/**
 * Progress of long work on stderr: a bar with counts and rate on a terminal, plain lines
 * (`export: 2000/10000 decisions (20%), 5300/s`) otherwise, so logs stay readable.
 */
export function startProgress(stream: ProgressStream, label: string, total: number, unit: string): Progress {
  const startedAt = process.hrtime.bigint();
  const rate = (done: number) => {
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    return seconds > 0 ? Math.round(done / seconds) : done;
  };
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate}/s | {eta_formatted} left`,
        stream: stream as NodeJS.WritableStream,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { rate: 0 });
    let stopped = false;
    return {
      update: (done) => bar.update(done, { rate: rate(done) }),
      stop() {
        if (stopped) return;
        stopped = true;
        bar.stop();
      },
    };
  }
  let nextStep = 1;
  let last = 0;
  let stopped = false;
  const line = (done: number) => {
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    stream.write(`${label}: ${done}/${total} ${unit} (${percent}%), ${rate(done)}/s\n`);
  };
  return {
    update(done) {
      last = done;
      if (total <= 0 || done >= total) return; // the final line comes from stop()
      const step = Math.floor((done / total) * PLAIN_STEPS);
      if (step >= nextStep) {
        nextStep = step + 1;
        line(done);
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      line(last);
    },
  };
}
