import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRawGateway, type RawGateway } from './helpers/raw-gateway.ts';

/*
 * What a query costs reflects the SQL it runs, and the heaviest query the limits allow does not
 * keep the one thread from anyone else.
 */

let gateway: RawGateway;
const post = (...args: Parameters<RawGateway['post']>) => gateway.post(...args);

beforeAll(async () => {
  gateway = await startRawGateway();
}, 60_000);
afterAll(() => gateway.stop());

describe('cost reflects the work', () => {
  it('the 1,000-alias query without aliases still costs what its stats queries do', async () => {
    // 100 webhooks x stats is within budget; 3 pages of them with stats are not.
    const page = (name: string) => `${name}: webhooks(first: 100) { nodes { id stats { attempts p50DurationMs p99DurationMs } } }`;
    const fits = await post(`query { ${page('a')} }`);
    expect(fits.body.errors).toBeUndefined();
    const { body } = await post(`query { ${['a', 'b', 'c'].map(page).join(' ')} }`);
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^Query would cost \d+; at most 50000/), extensions: { code: 'QUERY_TOO_COMPLEX' } });
  });
});

it('logs none of these refusals at error level', () => {
  expect(gateway.errorLogLines()).toEqual([]);
});
