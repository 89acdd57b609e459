import { randomBytes } from 'node:crypto';
import { GraphQLResponse, TestServer } from './test-server';

export const APPLY = `query($input: NumberApplicationInput!) { evaluateNumberApplication(input: $input) { decisionId decision } }`;
export const APPLY_MANY = `query($inputs: [NumberApplicationInput!]!) { evaluateNumberApplications(inputs: $inputs) { decisionId decision } }`;
export const JUDGE = `query($input: ViolationInput!) { evaluateViolation(input: $input) { decisionId severity } }`;
export const RECORD = `mutation($input: ViolationInput!) { recordViolation(input: $input) { decisionId severity } }`;

export const DESCRIPTIONS = [
  '办信用卡提额服务，帮客户下卡',
  '信用卡逾期催收外包',
  '我们是一家做家政保洁预约的公司',
  '醫院預約掛號提醒',
  '小区物业报修回访',
  '股票荐股，带你抓涨停',
  'ＶＩＰ会员　回访',
  '保险柜生产厂家售后回访',
  '网络游戏推广',
  '婚恋交友红娘服务',
];

function pick<T>(items: T[], i: number): T {
  return items[i % items.length];
}

/**
 * A mixed workload through the API: single and batched applications (with and without an
 * enterprise, one of them OFFLINE), judged and recorded violations (verified or not,
 * both BUSINESS_MISMATCH rows). Returns every decision id returned.
 */
export async function runMixedWorkload(server: TestServer, rounds = 2): Promise<string[]> {
  const ids: string[] = [];
  const key = server.keys.evaluator;
  const take = (response: GraphQLResponse, field: string): void => {
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    const value = response.data[field];
    for (const item of Array.isArray(value) ? value : [value]) ids.push(item.decisionId);
  };
  for (let round = 0; round < rounds; round += 1) {
    const enterprise = `wl-${randomBytes(4).toString('hex')}`;
    const offline = `wl-off-${randomBytes(4).toString('hex')}`;
    const singles = DESCRIPTIONS.map((description, i) =>
      server.gql(APPLY, { input: { description, enterpriseId: i % 3 === 0 ? enterprise : null, facts: { round, i } } }, key),
    );
    for (const response of await Promise.all(singles)) take(response, 'evaluateNumberApplication');
    take(
      await server.gql(
        APPLY_MANY,
        { inputs: DESCRIPTIONS.map((description, i) => ({ description, industry: pick(['金融', '医疗', null], i), scenario: pick(['信用卡', null], i) })) },
        key,
      ),
      'evaluateNumberApplications',
    );
    take(await server.gql(RECORD, { input: { enterpriseId: enterprise, behavior: 'BLIND_CALLING', verified: true } }, key), 'recordViolation');
    take(await server.gql(RECORD, { input: { enterpriseId: enterprise, behavior: 'HARASSMENT_COMPLAINT', verified: true } }, key), 'recordViolation');
    take(await server.gql(RECORD, { input: { enterpriseId: enterprise, behavior: 'FRAUD_COMPLAINT', verified: false } }, key), 'recordViolation');
    take(
      await server.gql(
        RECORD,
        { input: { enterpriseId: offline, behavior: 'BUSINESS_MISMATCH', verified: true, declaredBusiness: '家政', actualBusiness: '电话催收欠款' } },
        key,
      ),
      'recordViolation',
    );
    take(await server.gql(APPLY, { input: { description: '家政保洁预约', enterpriseId: offline } }, key), 'evaluateNumberApplication');
    take(
      await server.gql(
        JUDGE,
        { input: { enterpriseId: enterprise, behavior: 'BUSINESS_MISMATCH', verified: true, declaredBusiness: '家政', actualBusiness: '宠物美容' } },
        key,
      ),
      'evaluateViolation',
    );
    take(
      await server.gql(
        JUDGE,
        { input: { enterpriseId: enterprise, behavior: 'NO_CONSENT_CALLING', verified: true, occurredAt: new Date().toISOString() } },
        key,
      ),
      'evaluateViolation',
    );
  }
  return ids;
}
