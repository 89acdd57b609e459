import { createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import readline from 'node:readline';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config';
import { openPolicyDatabase } from '../composition/data-source';
import { createAuthoringServices, createLogReaders } from '../composition/services';
import { systemContext } from '../common/request-context';
import { CheckpointSigner, checkpointSignerFor, SignedCheckpoint } from '../decisions/checkpoint-signing';
import { ExportHeader, ExportStub, ExportVerifier } from '../decisions/decision-export';
import { ChainedDecision } from '../decisions/decision-record';
import * as store from '../decisions/decision-log.store';
import { checkAttachedReview, ChainedReview } from '../reviews/review-record';
import { reviewsOfDecisions } from '../reviews/review-log.store';
import { commandHelp, EXIT, parseCommandLine, ProgramSpec, programHelp, UsageError, usageErrorText } from './args';
import { CliFailure, failureText, runAsMain } from './cli-main';
import { startProgress } from './progress';

export const DECISIONS_CLI: ProgramSpec = {
  invocation: 'npm run decisions --',
  summary: 'Export the decision log, verify exported files offline, and run a draft or version against logged history.',
  commands: [
    {
      name: 'export',
      synopsis: '[--from ISO] [--to ISO] [--ruleset KEY] [--out FILE]',
      summary:
        "write the log (oldest first) as NDJSON: a header line, one line per position (the filter's records in full, others as stubs), then a signed checkpoint; an application's record carries its appeal and reviewers' answers (`reviews`)",
      options: {
        from: 'first instant to include (ISO 8601, inclusive)',
        to: 'instant to stop before (ISO 8601, exclusive)',
        ruleset: 'only decisions of this ruleset key (an unknown key is refused)',
        out: 'file to write (default: standard output)',
      },
      example: '--from 2026-01-01T00:00:00Z --ruleset ccc-access --out decisions.ndjson',
      details: 'Progress goes to standard error: a bar on a terminal, a line per tenth otherwise. Exit 0 when written, 1 on failure, 2 for usage errors.',
    },
    {
      name: 'verify',
      synopsis: '<file> [--public-key PEM] [--checkpoint FILE]',
      summary: "check an exported file offline: every record, no position missing, the signed checkpoint at its end, and each record's reviews",
      options: {
        'public-key': "the service's public key (PEM) you trust: the export's checkpoint must be signed by it",
        checkpoint: 'a signed checkpoint kept earlier (JSON): it must fall inside the export and match it',
      },
      example: 'decisions.ndjson --public-key ccc-policy-checkpoints.pem --checkpoint kept.json',
      details: 'Exit 0 when every record and link checks out, 1 when the file is broken (the first broken line is named), 2 for usage errors.',
    },
    {
      name: 'impact',
      synopsis: '--ruleset KEY (--draft ID | --version N) [--from ISO] [--to ISO]',
      summary: 'replay the logged decisions of a ruleset against a draft or version: what would change',
      options: {
        ruleset: 'the ruleset whose decisions are replayed',
        draft: 'the candidate draft id',
        version: 'or the candidate published version number',
        from: 'first instant to include (ISO 8601, inclusive)',
        to: 'instant to stop before (ISO 8601, exclusive)',
      },
      example: '--ruleset ccc-access --draft 0190f5c2-0000-7000-8000-000000000000 --from 2026-11-01T00:00:00Z',
      details:
        'Prints the counts and outcome transitions; progress goes to standard error. The CLI runs with the database credentials, so it reads the log like an auditor. Exit 0 when nothing would change, 1 when some outcomes change or on failure, 2 for usage errors.',
    },
  ],
  footer: 'Database: DATABASE_URL, or the embedded database under DATA_DIR.',
};

export interface DecisionsCliIo {
  out(line: string): void;
  err(line: string): void;
  /** Where `export` writes when there is no --out. */
  stdout: Writable & { isTTY?: boolean };
  stderr: { isTTY?: boolean } & Writable;
  openDatabase(): Promise<{ dataSource: DataSource; close(): Promise<void> }>;
  /** Signs the export's closing checkpoint (CHECKPOINT_SIGNING_KEY, or the development key under DATA_DIR). */
  signer(): CheckpointSigner;
}

const CHUNK = 2000;

function parseTime(name: string, text: string | undefined): Date | null {
  if (text === undefined) return null;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name} "${text}" is not an ISO time`, 'export');
  return date;
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/**
 * Streams every position of the log the filter spans, in seq order (keyset-paginated
 * chunks), one JSON line each after a header: the selected records in full, the others as
 * stubs; then the chain's signed checkpoint at the last position (see ExportHeader).
 */
async function exportLog(io: DecisionsCliIo, positional: string[], options: Map<string, string>): Promise<number> {
  if (positional.length > 0) throw new UsageError(`export takes no arguments besides options, got "${positional[0]}"`, 'export');
  const from = parseTime('from', options.get('from'));
  const to = parseTime('to', options.get('to'));
  const rulesetKey = options.get('ruleset') ?? null;
  const outPath = options.get('out');
  const database = await io.openDatabase();
  let progress: ReturnType<typeof startProgress> | null = null;
  try {
    if (rulesetKey !== null) {
      const known = await createAuthoringServices(database.dataSource).rulesets.listRulesets();
      if (!known.some((ruleset) => ruleset.key === rulesetKey)) {
        throw new CliFailure(`unknown ruleset "${rulesetKey}" (known: ${known.map((ruleset) => ruleset.key).join(', ') || 'none'})`);
      }
    }
    const target: Writable = outPath ? fs.createWriteStream(outPath) : io.stdout;
    const db = database.dataSource.manager;
    const { count: total, firstSeq, lastSeq } = await store.rangeSummary(db, { rulesetKey, from, to });
    const afterSeq = total === 0 ? lastSeq : firstSeq - 1;
    const anchorHash = afterSeq === 0 ? null : ((await store.recordAt(db, String(afterSeq)))?.hash ?? null);
    const header: ExportHeader = {
      type: 'ccc-policy-decision-log-export',
      version: 3,
      exportedAt: new Date().toISOString(),
      from: from?.toISOString() ?? null,
      to: to?.toISOString() ?? null,
      rulesetKey,
      count: total,
      afterSeq,
      anchorHash,
      lastSeq,
    };
    await write(target, `${JSON.stringify(header)}\n`);
    progress = startProgress(io.stderr, 'export', total, 'decisions');
    const selected = (record: ChainedDecision) =>
      (rulesetKey === null || record.rulesetKey === rulesetKey) &&
      (from === null || Date.parse(record.createdAt) >= from.getTime()) &&
      (to === null || Date.parse(record.createdAt) < to.getTime());
    let written = 0;
    let last: ChainedDecision | null = null;
    // Records as logged (a lean one with the compact output its hash covers), so every line verifies offline.
    for await (const records of store.walkLog(db, { afterSeq, lastSeq }, CHUNK)) {
      // The appeal and answers of each application travel with it; outside the record's hash, checked by verify on their own.
      const reviews = await reviewsOfDecisions(
        db,
        records.filter((record) => record.kind === 'NUMBER_APPLICATION' && selected(record)).map((record) => record.id),
      );
      let text = '';
      for (const record of records) {
        const stub: ExportStub = { stub: true, seq: record.seq, recordHash: record.recordHash };
        const reviewed = reviews.get(record.id);
        text += `${JSON.stringify(selected(record) ? (reviewed ? { ...record, reviews: reviewed } : record) : stub)}\n`;
        if (selected(record)) written += 1;
      }
      await write(target, text);
      last = records[records.length - 1];
      progress.update(written);
    }
    if (last) await write(target, `${JSON.stringify(io.signer().sign({ sequence: String(last.seq), hash: last.hash }, new Date()))}\n`);
    progress.stop();
    if (outPath) {
      target.end();
      await once(target, 'finish');
      io.err(`exported ${written} decisions to ${outPath}`);
    }
    return 0;
  } finally {
    progress?.stop();
    await database.close();
  }
}

async function verifyFile(io: DecisionsCliIo, positional: string[], options: Map<string, string>): Promise<number> {
  if (positional.length !== 1) throw new UsageError('verify takes one file', 'verify');
  const [file] = positional;
  if (!fs.existsSync(file)) throw new CliFailure(`${file}: no such file`);
  const keyFile = options.get('public-key');
  const keptFile = options.get('checkpoint');
  const trusted = keyFile ? createPublicKey(fs.readFileSync(keyFile)) : null;
  const kept = keptFile ? (JSON.parse(fs.readFileSync(keptFile, 'utf8')) as SignedCheckpoint) : null;
  const verifier = new ExportVerifier(trusted, kept);
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let progress: ReturnType<typeof startProgress> | null = null;
  let reviewsChecked = 0;
  let brokenReview: string | null = null;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (!verifier.push(line)) break;
    const entry = line.includes('"reviews"') ? (JSON.parse(line) as { id?: string; hash?: string; reviews?: ChainedReview[] }) : null;
    for (const review of entry?.reviews ?? []) {
      const reason = checkAttachedReview(review, { id: entry!.id ?? '', hash: entry!.hash ?? '' });
      if (reason) brokenReview ??= `line ${lineNumber}, decision ${entry!.id}: review ${review.id}: ${reason}`;
      else reviewsChecked += 1;
    }
    if (brokenReview) break;
    // The header (the first line the verifier accepts) says how many decisions follow.
    if (progress === null && line.trim() !== '') progress = startProgress(io.stderr, 'verify', (JSON.parse(line) as ExportHeader).count, 'decisions');
    else progress?.update(verifier.result.checked);
  }
  lines.close();
  progress?.stop();
  const result = verifier.finish();
  if (brokenReview) {
    io.out(`broken: ${brokenReview}; ${reviewsChecked} reviews checked`);
    return EXIT.negative;
  }
  if (result.valid) {
    const by = result.signedBy
      ? `; signed by key ${result.signedBy}${trusted ? ' (the trusted key)' : ' (compare with the key you trust, or pass --public-key)'}`
      : '';
    const reviewed = reviewsChecked > 0 ? `; ${reviewsChecked} reviews checked` : '';
    io.out(`valid: ${result.checked} decisions checked${kept ? `, kept checkpoint at ${kept.sequence} matched` : ''}${by}${reviewed}`);
    return EXIT.ok;
  }
  const broken = result.firstBroken!;
  const where = broken.id ? `, decision ${broken.id} (seq ${broken.seq})` : broken.seq !== null ? `, seq ${broken.seq}` : '';
  io.out(`broken: line ${broken.line}${where}: ${broken.reason}${broken.detail ? ` (${broken.detail})` : ''}; ${result.checked} checked`);
  return EXIT.negative;
}

/** Runs one command line; returns the process exit code. */
/** Impact analysis from the command line, with progress: the same replay the impactAnalysis query runs. */
async function impact(io: DecisionsCliIo, positional: string[], options: Map<string, string>): Promise<number> {
  if (positional.length > 0) throw new UsageError(`impact takes no arguments besides options, got "${positional[0]}"`, 'impact');
  const rulesetKey = options.get('ruleset');
  if (rulesetKey === undefined) throw new UsageError('impact needs --ruleset KEY', 'impact');
  const draftId = options.get('draft') ?? null;
  const versionText = options.get('version');
  const version = versionText === undefined ? null : Number(versionText);
  if ((draftId === null) === (version === null)) throw new UsageError('impact needs exactly one of --draft ID and --version N', 'impact');
  if (version !== null && (!Number.isInteger(version) || version < 1)) throw new UsageError(`--version "${versionText}" is not a version number`, 'impact');
  const from = parseTime('from', options.get('from'));
  const to = parseTime('to', options.get('to'));
  const database = await io.openDatabase();
  // Set inside the progress callback, which control-flow analysis does not follow.
  let progress = null as ReturnType<typeof startProgress> | null;
  let closeWorkers = async () => {};
  try {
    const { replay, replayWorkers } = createLogReaders(database.dataSource, io.signer(), loadConfig());
    closeWorkers = () => replayWorkers.close();
    const context = systemContext(`cli:${os.userInfo().username}`);
    const report = await replay.impactAnalysis(
      context,
      { rulesetKey, candidateDraftId: draftId, candidateVersion: version, from, to, sampleSize: 0 },
      (evaluated, total) => {
        progress ??= startProgress(io.stderr, 'impact', total, 'decisions');
        progress.update(evaluated);
      },
    );
    progress?.stop();
    io.out(
      `${rulesetKey}: ${report.evaluated} decisions replayed against ${draftId ? `draft ${draftId}` : `version ${version}`}; ${report.changed} would change`,
    );
    for (const transition of report.transitions) io.out(`  ${transition.from} -> ${transition.to}: ${transition.count}`);
    return report.changed === 0 ? EXIT.ok : EXIT.negative;
  } finally {
    progress?.stop();
    await closeWorkers();
    await database.close();
  }
}

export async function runDecisionsCli(argv: string[], io: DecisionsCliIo): Promise<number> {
  try {
    const parsed = parseCommandLine(DECISIONS_CLI, argv);
    if (parsed.kind === 'help') {
      io.out(parsed.command ? commandHelp(DECISIONS_CLI, parsed.command) : programHelp(DECISIONS_CLI));
      return EXIT.ok;
    }
    if (parsed.command.name === 'export') return await exportLog(io, parsed.positional, parsed.options);
    if (parsed.command.name === 'impact') return await impact(io, parsed.positional, parsed.options);
    return await verifyFile(io, parsed.positional, parsed.options);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(usageErrorText(DECISIONS_CLI, error));
      return EXIT.usage;
    }
    const text = failureText(error);
    if (text === null) throw error;
    io.err(text);
    return EXIT.negative;
  }
}

if (require.main === module) {
  runAsMain('decisions', (argv) =>
    runDecisionsCli(argv, {
      out: (line) => console.log(line),
      err: (line) => console.error(line),
      stdout: process.stdout,
      stderr: process.stderr,
      openDatabase: () => openPolicyDatabase(loadConfig(), () => undefined),
      signer: () => checkpointSignerFor(loadConfig()),
    }),
  );
}
