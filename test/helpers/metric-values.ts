import { setTimeout as delay } from 'node:timers/promises';

/** The value of one sample of `/metrics` (a counter or gauge), matched by name and exactly these labels; 0 when absent. */
export async function metricValue(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const wanted = Object.entries(labels)
    .map(([label, value]) => `${label}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample || sample[1] !== name) continue;
    const found = (sample[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (found === wanted) return Number(sample[3]);
  }
  return 0;
}

/** Polls `condition` until it holds; fails naming `what` if it does not within `deadlineMs` (a deadline, not a timing assertion). */
export async function waitUntil(what: string, condition: () => Promise<boolean>, deadlineMs = 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await delay(20);
  }
}
