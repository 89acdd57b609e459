/**
 * Top self-time functions of a V8 .cpuprofile (as written by `node --cpu-prof`).
 *   node dist/bench/profile-summary.js <file.cpuprofile> [top]
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  location: string;
  selfMs: number;
  selfShare: number;
}

function shortUrl(url: string): string {
  if (url === '') return '';
  const cleaned = url.replace(/^file:\/\//, '');
  const nodeModules = cleaned.lastIndexOf('node_modules/');
  if (nodeModules >= 0) return cleaned.slice(nodeModules + 'node_modules/'.length);
  const dist = cleaned.indexOf('/dist/');
  if (dist >= 0) return cleaned.slice(dist + '/dist/'.length);
  return path.basename(cleaned);
}

export interface ProfileSummary {
  /** busy (non-idle) sampled time */
  totalMs: number;
  idleMs: number;
  hotSpots: HotSpot[];
}

/**
 * Self time per function (name + file + line), largest first, as shares of busy time.
 * `fromUs`/`toUs` (CLOCK_MONOTONIC microseconds, the clock of process.hrtime and of V8's
 * profile timestamps) keep only samples taken in that window, e.g. during one load phase.
 */
export function summariseProfile(file: string, top = 20, fromUs = -Infinity, toUs = Infinity): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < fromUs || at > toUs) continue;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + delta);
  }
  const totals = new Map<string, { name: string; location: string; us: number }>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const name = frame.functionName || '(anonymous)';
    const location = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${name}@${location}`;
    const entry = totals.get(key) ?? { name, location, us: 0 };
    entry.us += us;
    totals.set(key, entry);
    totalUs += us;
  }
  const hotSpots = [...totals.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((entry) => ({ name: entry.name, location: entry.location, selfMs: entry.us / 1000, selfShare: entry.us / totalUs }));
  return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, hotSpots };
}

export function formatHotSpots(summary: ProfileSummary): string {
  const busy = summary.totalMs / (summary.totalMs + summary.idleMs);
  const lines = [
    `profile: ${(summary.totalMs / 1000).toFixed(1)} s busy, ${(summary.idleMs / 1000).toFixed(1)} s idle (main thread ${(busy * 100).toFixed(0)}% busy); top self time, % of busy:`,
  ];
  for (const spot of summary.hotSpots) {
    lines.push(`  ${(spot.selfShare * 100).toFixed(1).padStart(5)}%  ${spot.selfMs.toFixed(0).padStart(7)} ms  ${spot.name}  ${spot.location}`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(formatHotSpots(summariseProfile(file, Number(top || 25))));
}
