import { canonicalJson } from '../common/canonical-json';
import { systemContext } from '../common/request-context';
import { CompiledRuleset, compileRuleset, semanticsOfEngineVersion } from '../engine';
import { VersionCatalogue } from '../rulesets/version-catalogue';
import { ChainedDecision, compactOutput, LEAN_FORMAT } from './decision-record';
import { asStored, reevaluate } from './replay-core';

const COMPILED_LIMIT = 32;

/**
 * Rebuilds the full output of lean records (messages, labels, effects, evidence) from what
 * they store: the immutable version they name, compiled under the engine semantics they were
 * logged with, re-evaluated on their input and the state they read. The engine is pure, so
 * this is the output the caller was given; the rebuilt output stands for the record only when
 * it projects onto the compact output the record's hash covers, and otherwise (an engine
 * version this build does not have, or a rebuild that disagrees) the record keeps its compact
 * output, which is then what the API shows and replay compares.
 */
export class FullOutputs {
  private readonly compiled = new Map<string, Promise<CompiledRuleset>>();

  constructor(private readonly versions: VersionCatalogue) {}

  /** The records with full outputs; format-1 records are returned as they are (they store the full output). */
  of(records: ChainedDecision[]): Promise<ChainedDecision[]> {
    return Promise.all(records.map((record) => (record.format === LEAN_FORMAT ? this.rebuilt(record) : record)));
  }

  async one(record: ChainedDecision | null): Promise<ChainedDecision | null> {
    return record && (await this.of([record]))[0];
  }

  private async rebuilt(record: ChainedDecision): Promise<ChainedDecision> {
    const semantics = semanticsOfEngineVersion(record.engineVersion);
    if (semantics === null) return record;
    const compiled = await this.compiledVersion(record.rulesetKey, record.versionNumber, semantics);
    const output = asStored(reevaluate(record.kind, compiled, record.input, record.state));
    const agrees = canonicalJson(compactOutput(record.kind, output)) === canonicalJson(compactOutput(record.kind, record.output));
    return agrees ? { ...record, output } : record;
  }

  private compiledVersion(rulesetKey: string, number: number, semantics: number): Promise<CompiledRuleset> {
    const key = `${semantics}:${number}:${rulesetKey}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      compiled = this.versions
        .resolveVersion(systemContext('decision-log'), rulesetKey, { version: number })
        .then(async (version) =>
          version.compiled.semantics === semantics ? version.compiled : compileRuleset(await this.versions.contentOf(version.versionId), semantics),
        );
      // A failed load is not kept: the next read tries again.
      compiled.catch(() => this.compiled.delete(key));
      if (this.compiled.size >= COMPILED_LIMIT) this.compiled.delete(this.compiled.keys().next().value!);
      this.compiled.set(key, compiled);
    }
    return compiled;
  }
}
