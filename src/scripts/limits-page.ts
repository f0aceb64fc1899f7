import { DEFAULT_STRING_MAX_LENGTH, stringLimits } from '../domain/input-limits.ts';
import { inputLimits, type Limit } from '../domain/limits.ts';

/*
 * docs/input-limits.md, made from src/domain/limits.ts and the per-argument lengths of
 * input-limits.ts: `npm run limits:print` writes it, and test/limits-page.test.ts fails when the
 * committed page is not what this prints, so the page never drifts from what is enforced.
 */

export const limitsPagePath = new URL('../../docs/input-limits.md', import.meta.url);

const count = (n: number) => n.toLocaleString('en-US');

/** Large round numbers in binary units (32 MiB, 32 Mi characters), as the error messages give them. */
function amount(n: number, unit: string): string {
  const mebi = 1024 * 1024;
  if (n >= mebi && n % mebi === 0) return unit === 'bytes' ? `${count(n / mebi)} MiB` : `${count(n / mebi)} Mi ${unit}`;
  if (unit === 'bytes' && n >= 1024 && n % 1024 === 0) return `${count(n / 1024)} KiB`;
  return `${count(n)} ${unit}`;
}

function bound(limit: Limit): string {
  const range =
    limit.min === undefined ? `at most ${amount(limit.max, limit.unit)}` : `${count(limit.min)} to ${amount(limit.max, limit.unit)}`;
  return limit.default === undefined ? range : `${range}; default ${count(limit.default)}`;
}

export function limitsPage(): string {
  const limits = Object.entries(inputLimits as Record<string, Limit>).map(
    ([name, limit]) => `| \`${name}\` | ${bound(limit)} | ${limit.text} |`,
  );
  const lengths = Object.entries(stringLimits).map(([coordinate, max]) => `| \`${coordinate}\` | ${count(max)} |`);
  return `# Input limits

<!-- Printed by \`npm run limits:print\` from src/domain/limits.ts and src/domain/input-limits.ts: edit those, not this page. -->

Every limit on what a caller may send. The bounds of requests, connections, keys and the process
are in [limits.md](limits.md).

A value past its limit is a \`ValidationError\` in the mutation's result union (with a
\`fieldErrors\` path such as \`["input", "headers", "0", "value"]\`) where that union has one, and
a top-level \`BAD_USER_INPUT\` error otherwise and on queries and subscriptions. Lengths are
checked before any resolver runs, so nothing over them reaches a service or SQLite; the
mutations' own rules then apply within them.

## Values

| limit | bound | what it bounds |
|---|---|---|
${limits.join('\n')}

## Lengths of arguments and input fields

Over its length, an argument is refused with \`must be at most N characters\`.

| argument or input field | at most (characters) |
|---|---|
${lengths.join('\n')}

Every other string argument a later field adds: ${count(DEFAULT_STRING_MAX_LENGTH)} characters until it is listed.
`;
}
