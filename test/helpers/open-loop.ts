import { PublishEvent } from './delivery-documents.ts';
import { ask, type GatewayProcess } from './gateway-process.ts';

/**
 * Publishes `events` events of `topic`, the n-th due `intervalMs` × n after the start whatever
 * the answers' pace (an open loop: a slow server does not slow the offered rate), from 16
 * requests in flight at most. Resolves once every publish was answered with success.
 */
export async function publishOpenLoop(
  gateway: Pick<GatewayProcess, 'url' | 'key'>,
  topic: string,
  events: number,
  intervalMs: number,
): Promise<void> {
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < events) {
        const n = next++;
        const wait = started + n * intervalMs - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const data = await ask(gateway, PublishEvent, { input: { topic, payload: { n } } });
        if (data.publishEvent.__typename !== 'PublishEventSuccess') throw new Error(JSON.stringify(data.publishEvent));
      }
    }),
  );
}
