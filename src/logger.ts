import pino, { type DestinationStream, type Logger } from 'pino';
import { currentRequestId } from './request-context.ts';

// Belt and braces: code never logs these, and if a value ever reaches a log line it is replaced.
const redactPaths = [
  'key',
  'apiKey',
  'secret',
  'signingSecret',
  'bearerToken',
  'token',
  'headers',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  '*.key',
  '*.apiKey',
  '*.signingSecret',
  '*.bearerToken',
  '*.token',
  '*.headers',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
