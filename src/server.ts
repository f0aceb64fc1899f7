import { createApp } from './app.ts';
import { type Config, loadConfig } from './config.ts';
import { createBoundedServer } from './http-limits.ts';
import { PortInUseError, databaseInUse, describeStartupError } from './startup-errors.ts';
import { startEventLoopWatchdog } from './watchdog.ts';

let config: Config | null = null;

async function main() {
  config = loadConfig();
  const app = await createApp(config);
  startEventLoopWatchdog(config.eventLoopWatchdogMs);
  const { server, maxConnections } = createBoundedServer(app.handle, config);

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

  // A listen error (the port taken) ends the start here. The WebSocket server is attached only
  // once listening: attached before, it hears the error too and reports it as its own. The first
  // key is minted only then, so a start that fails does not leave a key nobody was shown.
  const { port: wanted, host } = config;
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, wanted) : error);
    server.once('error', failed);
    server.listen(wanted, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  app.attachWebSockets(server);
  const firstKey = await app.services.apiKeys.bootstrap();
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
      database: databaseInUse(config),
      maxConnections,
      ...(metricsPort !== null ? { metrics: `http://127.0.0.1:${metricsPort}/metrics` } : {}),
    },
    'gateway listening',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${describeStartupError(error, config)}\n`);
  process.exit(1);
});
