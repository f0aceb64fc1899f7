import type { GatewayProcess } from './gateway-process.ts';

/** The bearer token tests start a gateway with (METRICS_TOKEN) when they read its /metrics. */
export const METRICS_TOKEN = 'metrics-token-for-tests';

/** The server's own count of open graphql-ws connections and subscriptions, from /metrics. */
export async function liveGauges(gateway: Pick<GatewayProcess, 'url'>): Promise<{ connections: number; subscriptions: number }> {
  const response = await fetch(gateway.url.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await response.text();
  const gauge = (name: string) => Number(new RegExp(`^webhook_gateway_${name} (\\d+)$`, 'm').exec(text)![1]);
  return { connections: gauge('live_connections'), subscriptions: gauge('live_subscriptions') };
}

/** Resolves once the server counts `count` open subscriptions: each one is registered, so it sees what is published next. */
export async function subscriptionsOpen(gateway: Pick<GatewayProcess, 'url'>, count: number, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (let open = -1; open !== count; open = (await liveGauges(gateway)).subscriptions) {
    if (Date.now() > deadline) throw new Error(`the server counts ${open} open subscriptions, not ${count}, after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
