import { createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import 'reflect-metadata';
import { SingleBar, Presets } from 'cli-progress';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/config';
import { openPolicyDatabase } from '../composition/data-source';
import { CheckpointSigner, checkpointSignerFor, SignedCheckpoint } from '../decisions/checkpoint-signing';
import { ExportHeader, ExportStub, ExportVerifier } from '../decisions/decision-export';
import { ChainedDecision } from '../decisions/decision-record';
import * as store from '../decisions/decision-log.store';
import { parseArgs, UsageError } from './args';

const USAGE = `usage: npm run decisions -- <command>
  export [--from ISO] [--to ISO] [--ruleset KEY] [--out FILE]   write the log (oldest first) as NDJSON, ending with a signed checkpoint; stdout by default
  verify <file> [--public-key PEM] [--checkpoint FILE]          check an export offline: every record, no position missing, the signed checkpoint
                                                                (by the trusted key), and a kept signed checkpoint inside it; exit 1 when broken
Database: DATABASE_URL, or the embedded database under DATA_DIR.`;

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
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name} "${text}" is not an ISO time`);
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
async function exportLog(io: DecisionsCliIo, options: Map<string, string>): Promise<number> {
  const from = parseTime('from', options.get('from'));
  const to = parseTime('to', options.get('to'));
  const rulesetKey = options.get('ruleset') ?? null;
  const outPath = options.get('out');
  const database = await io.openDatabase();
  const target: Writable = outPath ? fs.createWriteStream(outPath) : io.stdout;
  const progressTty = outPath ? io.stdout.isTTY || io.stderr.isTTY : io.stderr.isTTY;
  let bar: SingleBar | null = null;
  try {
    const db = database.dataSource.manager;
    const { count: total, firstSeq, lastSeq } = await store.rangeSummary(db, { rulesetKey, from, to });
    const afterSeq = total === 0 ? lastSeq : firstSeq - 1;
    const anchorHash = afterSeq === 0 ? null : ((await store.recordAt(db, String(afterSeq)))?.hash ?? null);
    const header: ExportHeader = {
      type: 'ccc-policy-decision-log-export',
      version: 2,
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
    if (progressTty) {
      bar = new SingleBar({ format: 'export [{bar}] {percentage}% | {value}/{total} decisions | {eta_formatted} left', stream: process.stderr }, Presets.shades_classic);
      bar.start(total, 0);
    }
    const selected = (record: ChainedDecision) =>
      (rulesetKey === null || record.rulesetKey === rulesetKey) &&
      (from === null || Date.parse(record.createdAt) >= from.getTime()) &&
      (to === null || Date.parse(record.createdAt) < to.getTime());
    let written = 0;
    let last: ChainedDecision | null = null;
    for await (const records of store.walkLog(db, { afterSeq, lastSeq }, CHUNK)) {
      let text = '';
      for (const record of records) {
        const stub: ExportStub = { stub: true, seq: record.seq, recordHash: record.recordHash };
        text += `${JSON.stringify(selected(record) ? record : stub)}\n`;
        if (selected(record)) written += 1;
      }
      await write(target, text);
      last = records[records.length - 1];
      bar?.update(written);
    }
    if (last) await write(target, `${JSON.stringify(io.signer().sign({ sequence: String(last.seq), hash: last.hash }, new Date()))}\n`);
    bar?.stop();
    if (outPath) {
      target.end();
      await once(target, 'finish');
      io.err(`exported ${written} decisions to ${outPath}`);
    }
    return 0;
  } finally {
    bar?.stop();
    await database.close();
  }
}

async function verifyFile(io: DecisionsCliIo, file: string | undefined, options: Map<string, string>): Promise<number> {
  if (!file) throw new UsageError('verify needs a file');
  const keyFile = options.get('public-key');
  const keptFile = options.get('checkpoint');
  const trusted = keyFile ? createPublicKey(fs.readFileSync(keyFile)) : null;
  const kept = keptFile ? (JSON.parse(fs.readFileSync(keptFile, 'utf8')) as SignedCheckpoint) : null;
  const verifier = new ExportVerifier(trusted, kept);
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!verifier.push(line)) break;
  }
  lines.close();
  const result = verifier.finish();
  if (result.valid) {
    const by = result.signedBy ? `; signed by key ${result.signedBy}${trusted ? ' (the trusted key)' : ' (compare with the key you trust, or pass --public-key)'}` : '';
    io.out(`valid: ${result.checked} decisions checked${kept ? `, kept checkpoint at ${kept.sequence} matched` : ''}${by}`);
    return 0;
  }
  const broken = result.firstBroken!;
  const where = broken.id ? `, decision ${broken.id} (seq ${broken.seq})` : broken.seq !== null ? `, seq ${broken.seq}` : '';
  io.out(`broken: line ${broken.line}${where}: ${broken.reason}${broken.detail ? ` (${broken.detail})` : ''}; ${result.checked} checked`);
  return 1;
}

export async function runDecisionsCli(argv: string[], io: DecisionsCliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    const { positional, options } = parseArgs(rest);
    if (command === 'export') return await exportLog(io, options);
    if (command === 'verify') return await verifyFile(io, positional[0], options);
    io.err(USAGE);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  const io: DecisionsCliIo = {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    stdout: process.stdout,
    stderr: process.stderr,
    async openDatabase() {
      const config = loadConfig();
      return openPolicyDatabase(config, () => undefined);
    },
    signer: () => checkpointSignerFor(loadConfig()),
  };
  runDecisionsCli(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
