import fs from 'node:fs';
import readline from 'node:readline';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import 'reflect-metadata';
import { SingleBar, Presets } from 'cli-progress';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/config';
import { openPolicyDatabase } from '../composition/data-source';
import { ExportHeader, ExportVerifier } from '../decisions/decision-export';
import * as store from '../decisions/decision-log.store';
import { parseArgs, UsageError } from './args';

const USAGE = `usage: npm run decisions -- <command>
  export [--from ISO] [--to ISO] [--ruleset KEY] [--out FILE]   write the log (oldest first) as NDJSON; stdout by default
  verify <file>                                                 check an exported file's hash chain offline; exit 1 when broken
Database: DATABASE_URL, or the embedded database under DATA_DIR.`;

export interface DecisionsCliIo {
  out(line: string): void;
  err(line: string): void;
  /** Where `export` writes when there is no --out. */
  stdout: Writable & { isTTY?: boolean };
  stderr: { isTTY?: boolean } & Writable;
  openDatabase(): Promise<{ dataSource: DataSource; close(): Promise<void> }>;
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

/** Streams the log in seq order (keyset-paginated chunks), one JSON record per line, after a header line. */
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
    const { count: total, lastSeq: last } = await store.rangeSummary(db, { rulesetKey, from, to });
    const header: ExportHeader = {
      type: 'ccc-policy-decision-log-export',
      version: 1,
      exportedAt: new Date().toISOString(),
      from: from?.toISOString() ?? null,
      to: to?.toISOString() ?? null,
      rulesetKey,
      count: total,
    };
    await write(target, `${JSON.stringify(header)}\n`);
    if (progressTty) {
      bar = new SingleBar({ format: 'export [{bar}] {percentage}% | {value}/{total} decisions | {eta_formatted} left', stream: process.stderr }, Presets.shades_classic);
      bar.start(total, 0);
    }
    let written = 0;
    for await (const records of store.walkLog(db, { afterSeq: 0, lastSeq: last, rulesetKey, from, to }, CHUNK)) {
      let text = '';
      for (const record of records) text += `${JSON.stringify(record)}\n`;
      await write(target, text);
      written += records.length;
      bar?.update(written);
    }
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

async function verifyFile(io: DecisionsCliIo, file: string | undefined): Promise<number> {
  if (!file) throw new UsageError('verify needs a file');
  const verifier = new ExportVerifier();
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!verifier.push(line)) break;
  }
  lines.close();
  const result = verifier.finish();
  if (result.valid) {
    io.out(`valid: ${result.checked} decisions checked`);
    return 0;
  }
  const broken = result.firstBroken!;
  io.out(`broken: line ${broken.line}${broken.id ? `, decision ${broken.id} (seq ${broken.seq})` : ''}: ${broken.reason}; ${result.checked} checked`);
  return 1;
}

export async function runDecisionsCli(argv: string[], io: DecisionsCliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    const { positional, options } = parseArgs(rest);
    if (command === 'export') return await exportLog(io, options);
    if (command === 'verify') return await verifyFile(io, positional[0]);
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
  };
  runDecisionsCli(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
