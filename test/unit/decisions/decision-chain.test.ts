import fc from 'fast-check';
import {
  chainHash,
  ChainedDecision,
  ChainVerifier,
  DECISION_KINDS,
  DecisionContent,
  compactOutput,
  LEAN_FORMAT,
  recordHashOf,
  serialiseDecision,
} from '../../../src/decisions/decision-record';
import { canonicalHash, canonicalJson, sha256Hex } from '../../../src/common/canonical-json';
import { propertyRuns } from '../../helpers/property-runs';

const content = (i: number): DecisionContent => ({
  id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
  kind: 'NUMBER_APPLICATION',
  rulesetKey: 'ccc-access',
  versionNumber: 1,
  contentHash: 'f'.repeat(64),
  enterpriseId: null,
  decision: 'REVIEW',
  severity: null,
  input: { description: `d${i}`, facts: { b: 1, a: [1, 2] } },
  output: { decision: 'REVIEW', matches: [] },
  state: { enterprise: null },
  caller: 'svc',
  requestId: 'r',
  engineVersion: '1.0.0',
  createdAt: '2025-01-01T00:00:00.000Z',
});

/** Chains records the way append_decision_batch does in the database, starting from an empty log. */
function chainRecords(head: { seq: number; hash: string | null }, records: { content: DecisionContent; recordHash: string }[]): ChainedDecision[] {
  let { seq, hash: prevHash } = head;
  return records.map(({ content, recordHash }) => {
    const hash = chainHash(prevHash, recordHash);
    const record = { ...content, seq: ++seq, recordHash, prevHash, hash };
    prevHash = hash;
    return record;
  });
}

const chain = (n: number) =>
  chainRecords(
    { seq: 0, hash: null },
    Array.from({ length: n }, (_, i) => ({ content: content(i + 1), recordHash: recordHashOf(content(i + 1)) })),
  );

describe('the decision chain', () => {
  it('hashes a record by its canonical content, whatever the key order', () => {
    const a = content(1);
    const reordered = { ...a, input: { facts: { a: [1, 2], b: 1 }, description: 'd1' } };
    expect(recordHashOf(reordered)).toBe(recordHashOf(a));
    expect(recordHashOf({ ...a, caller: 'other' })).not.toBe(recordHashOf(a));
  });

  it('hashes exactly the RFC 8785 form of the whole record, and serialises its documents canonically', () => {
    const nullableText = fc.option(fc.string(), { nil: null });
    const record = fc.record({
      id: fc.uuid(),
      kind: fc.constantFrom(...DECISION_KINDS),
      rulesetKey: fc.string(),
      versionNumber: fc.integer({ min: 1 }),
      contentHash: fc.string(),
      enterpriseId: nullableText,
      decision: nullableText,
      severity: nullableText,
      input: fc.jsonValue(),
      output: fc.jsonValue(),
      state: fc.jsonValue(),
      caller: fc.string(),
      requestId: nullableText,
      engineVersion: fc.string(),
      createdAt: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    });
    fc.assert(
      fc.property(record, (content) => {
        const serialised = serialiseDecision(content);
        expect(serialised.recordHash).toBe(canonicalHash(content));
        expect(serialised.input).toBe(canonicalJson(content.input));
        expect(serialised.output).toBe(canonicalJson(content.output));
        expect(serialised.state).toBe(canonicalJson(content.state));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('links each record to its predecessor: sha256(prevHash + recordHash), the first with no predecessor', () => {
    const records = chain(3);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records[0].prevHash).toBeNull();
    expect(records[0].hash).toBe(sha256Hex(records[0].recordHash));
    expect(records[1].prevHash).toBe(records[0].hash);
    expect(records[2].hash).toBe(chainHash(records[1].hash, records[2].recordHash));
  });

  it('verifies an intact chain and names the first broken record', () => {
    const records = chain(5);
    const intact = new ChainVerifier();
    expect(records.every((r) => intact.push(r))).toBe(true);
    expect(intact.checked).toBe(5);

    const altered = records.map((r, i) => (i === 2 ? { ...r, output: { decision: 'ALLOW' } } : r));
    const v1 = new ChainVerifier();
    altered.forEach((r) => v1.push(r));
    expect(v1.firstBroken).toEqual({ id: records[2].id, reason: 'record-hash' });

    const deleted = records.filter((_, i) => i !== 1);
    const v2 = new ChainVerifier();
    deleted.forEach((r) => v2.push(r));
    expect(v2.firstBroken).toEqual({ id: records[2].id, reason: 'sequence' });

    const swapped = [records[0], { ...records[2], seq: 2 }, { ...records[1], seq: 3 }, records[3]];
    const v3 = new ChainVerifier();
    swapped.forEach((r) => v3.push(r));
    expect(v3.firstBroken).toEqual({ id: records[2].id, reason: 'prev-hash' });
  });

  it('reports a record whose chain hash was replaced, and the next record relinked to it, as chain-hash at that record', () => {
    const records = chain(5);
    const forged = 'e'.repeat(64);
    // Record 3's own content and record hash are untouched; only its link hash is forged, and record 4 follows the forgery.
    const relinked = records.map((r, i) => (i === 2 ? { ...r, hash: forged } : i === 3 ? { ...r, prevHash: forged } : r));
    const verifier = new ChainVerifier();
    relinked.forEach((r) => verifier.push(r));
    expect(verifier.firstBroken).toEqual({ id: records[2].id, reason: 'chain-hash' });
    expect(verifier.checked).toBe(3);
  });

  it('stops at the first broken record: push says so, and every record after it is refused unchecked', () => {
    const records = chain(5);
    const verifier = new ChainVerifier();
    const altered = records.map((r, i) => (i === 1 ? { ...r, caller: 'someone-else' } : r));
    expect(altered.map((r) => verifier.push(r))).toEqual([true, false, false, false, false]);
    expect(verifier.checked).toBe(2);
    expect(verifier.firstBroken).toEqual({ id: records[1].id, reason: 'record-hash' });
    expect(verifier.last).toEqual({ seq: 1, hash: records[0].hash });
  });

  it('hashes a lean record over its compact output and its format, so a full output and its projection verify alike', () => {
    const output = {
      decision: 'REJECT',
      message: 'rejected: finance',
      matches: [
        {
          ruleKey: 'finance.credit-card',
          effect: 'REJECT',
          severity: null,
          industry: '金融',
          scenario: null,
          behavior: null,
          message: 'm',
          evidence: ['信用卡'],
        },
      ],
      signals: [{ ruleKey: 'flag.arrears', message: 's', evidence: ['催收'], weight: 2 }],
      riskScore: 2,
    };
    const lean: DecisionContent = { ...content(1), format: LEAN_FORMAT, output };
    const compact = { decision: 'REJECT', matches: [{ ruleKey: 'finance.credit-card' }], signals: [{ ruleKey: 'flag.arrears' }], riskScore: 2 };
    expect(compactOutput('NUMBER_APPLICATION', output)).toEqual(compact);
    expect(compactOutput('NUMBER_APPLICATION', compact)).toEqual(compact);
    expect(serialiseDecision(lean).output).toBe(canonicalJson(compact));
    expect(recordHashOf(lean)).toBe(canonicalHash({ ...lean, output: compact }));
    expect(recordHashOf({ ...lean, output: compact })).toBe(recordHashOf(lean));
    // The format is hashed: the same content as format 1 is another record.
    expect(recordHashOf({ ...lean, output: compact, format: undefined })).not.toBe(recordHashOf(lean));
    expect(recordHashOf({ ...lean, output: { ...output, decision: 'REVIEW' } })).not.toBe(recordHashOf(lean));
    expect(recordHashOf({ ...lean, output: { ...output, matches: [] } })).not.toBe(recordHashOf(lean));

    const violation = {
      severity: 'SERIOUS',
      label: 'l',
      actions: [{ code: 'OFFLINE', label: 'x' }],
      message: 'm',
      matches: [],
      priorViolations: 1,
      escalated: true,
    };
    expect(compactOutput('RECORDED_VIOLATION', violation)).toEqual({
      severity: 'SERIOUS',
      escalated: true,
      priorViolations: 1,
      actions: [{ code: 'OFFLINE' }],
      matches: [],
    });
  });

  it('verifies lean records by their chain hash alone: a broken link is chain-hash at the record that no longer follows', () => {
    const records = chainRecords(
      { seq: 0, hash: null },
      [1, 2, 3, 4].map((i) => {
        const lean: DecisionContent = { ...content(i), format: LEAN_FORMAT };
        return { content: lean, recordHash: recordHashOf(lean) };
      }),
    );
    expect(records.every((r) => new ChainVerifier({ seq: r.seq - 1, hash: r.prevHash }).push(r))).toBe(true);
    // A lean record read back has no stored prevHash: its predecessor's hash is what is checked.
    const intact = new ChainVerifier();
    expect(records.map((r) => ({ ...r, prevHash: null })).every((r) => intact.push(r))).toBe(true);

    const swapped = [records[0], { ...records[2], seq: 2 }, { ...records[1], seq: 3 }, records[3]];
    const verifier = new ChainVerifier();
    swapped.forEach((r) => verifier.push(r));
    expect(verifier.firstBroken).toEqual({ id: records[2].id, reason: 'chain-hash' });

    const altered = new ChainVerifier();
    records.map((r, i) => (i === 1 ? { ...r, caller: 'someone-else' } : r)).forEach((r) => altered.push(r));
    expect(altered.firstBroken).toEqual({ id: records[1].id, reason: 'record-hash' });
  });
});
