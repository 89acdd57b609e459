import { parentPort } from 'node:worker_threads';
import { CompiledRuleset, compileRuleset, RulesetContent, runTestCases } from '../engine';
import { ImpactTally, ReplayableRecord, replayAgainst, ReplayCandidate } from './replay-core';

/**
 * A replay worker thread: runs the conditions of candidates over logged decisions (and a
 * version's test cases), so that a costly candidate occupies this thread and never the one
 * that answers requests. It keeps no
 * state between jobs but compiled published versions (immutable, keyed by the caller).
 */

/** A version to replay against: its content, compiled here under `semantics`. */
export interface WorkerVersion {
  /** Names immutable content (a published version under one semantics), so its compiled form may be kept; null for drafts. */
  cacheKey: string | null;
  content: RulesetContent;
  semantics: number;
  /** The published number, null for a draft. */
  againstVersion: number | null;
}

export type WorkerRequest =
  | { type: 'compile'; version: WorkerVersion }
  | { type: 'replay'; record: ReplayableRecord }
  | { type: 'impact-start'; mayReadLog: boolean; sampleSize: number }
  | { type: 'impact-chunk'; records: ReplayableRecord[] }
  | { type: 'impact-finish' }
  | { type: 'test-cases' };

export type WorkerReply = { ok: true; value: unknown } | { ok: false; message: string };

const COMPILED_CACHE_LIMIT = 16;
const compiledVersions = new Map<string, CompiledRuleset>();

function compiledOf(version: WorkerVersion): CompiledRuleset {
  if (version.cacheKey === null) return compileRuleset(version.content, version.semantics);
  let compiled = compiledVersions.get(version.cacheKey);
  if (!compiled) {
    compiled = compileRuleset(version.content, version.semantics);
    if (compiledVersions.size >= COMPILED_CACHE_LIMIT) compiledVersions.delete(compiledVersions.keys().next().value!);
    compiledVersions.set(version.cacheKey, compiled);
  }
  return compiled;
}

/** The version the job replays against, compiled by the job's first request. */
let candidate: (ReplayCandidate & { content: RulesetContent }) | null = null;
let analysis: ImpactTally | null = null;

function compiledCandidate(): ReplayCandidate & { content: RulesetContent } {
  if (!candidate) throw new Error('no version compiled for this job');
  return candidate;
}

function handle(request: WorkerRequest): unknown {
  switch (request.type) {
    case 'compile':
      candidate = { compiled: compiledOf(request.version), againstVersion: request.version.againstVersion, content: request.version.content };
      analysis = null;
      return null;
    case 'replay':
      return replayAgainst(request.record, compiledCandidate());
    case 'impact-start':
      analysis = new ImpactTally(compiledCandidate(), request.mayReadLog, request.sampleSize);
      return null;
    case 'impact-chunk':
      if (!analysis) throw new Error('impact-chunk before impact-start');
      for (const record of request.records) analysis.add(record);
      return analysis.count;
    case 'test-cases': {
      const { compiled, content } = compiledCandidate();
      return runTestCases(compiled, content);
    }
    case 'impact-finish': {
      if (!analysis) throw new Error('impact-finish before impact-start');
      const report = analysis.report();
      analysis = null;
      return report;
    }
  }
}

parentPort!.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { ok: true, value: handle(request) };
  } catch (error) {
    reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
// Loaded: the first message says so, and a job's time budget starts after it.
parentPort!.postMessage({ ok: true, value: 'ready' } satisfies WorkerReply);
