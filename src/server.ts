import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createBoundedServer } from './http-limits.ts';
import { startEventLoopWatchdog } from './watchdog.ts';

async function main() {
  const config = loadConfig();
  const app = await createApp(config);
  startEventLoopWatchdog(config.eventLoopWatchdogMs);
  const { server, maxConnections } = createBoundedServer(app.handle, config);
  app.attachWebSockets(server);

  // Before anything says the gateway is up: a SIGTERM sent on that news must find its handler.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    server.close();
    server.closeIdleConnections();
    void app.close().then(() => {
      server.closeAllConnections();
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const firstKey = await app.services.apiKeys.bootstrap();
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  if (firstKey) {
    process.stdout.write(
      `${[
        '',
        'Created tenant "default" and its first ADMIN API key. It is shown once; store it now:',
        '',
        `  ${firstKey.key}`,
        '',
        `Open ${base}/graphql and enter it when GraphiQL asks, or watch deliveries at ${base}/; clients send it as the X-API-Key header.`,
        '',
      ].join('\n')}\n`,
    );
  }
  const metricsPort = await app.listenMetrics();
  app.logger.info(
    {
      url: `${base}/graphql`,
      monitor: `${base}/`,
      databasePath: config.databasePath,
      maxConnections,
      ...(metricsPort !== null ? { metrics: `http://127.0.0.1:${metricsPort}/metrics` } : {}),
    },
    'gateway listening',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
