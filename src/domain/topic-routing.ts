/*
 * Which webhooks an event reaches: `receives` is the one answer; the rest are its parts, and
 * `topicPatternsFor` lets the store narrow the candidates with an index before it is asked.
 * Topic patterns are an exact name, `family.*` (every topic below `family.`, at any depth, not
 * `family` itself) or `*` (everything but the gateway's own `gateway.` family, which is only
 * ever asked for by name or family: operational-events.ts).
 */
import { ValidationError } from './errors.ts';
import { inputLimits } from './limits.ts';
import { aboutWebhook, isReservedTopic } from './operational-events.ts';

export interface PayloadFilter {
  field: string;
  expression: string;
}

const WILDCARD = '*';
const FAMILY_SUFFIX = '.*';

/** The `family.` prefix of a `family.*` pattern, or null for `*` and exact names. */
function familyPrefix(pattern: string): string | null {
  return pattern !== WILDCARD && pattern.endsWith(FAMILY_SUFFIX) ? pattern.slice(0, -1) : null;
}

export function topicMatches(pattern: string, topic: string): boolean {
  if (pattern === WILDCARD) return !isReservedTopic(topic);
  const prefix = familyPrefix(pattern);
  if (prefix === null) return pattern === topic;
  return topic.length > prefix.length && topic.startsWith(prefix);
}

/** Every pattern that matches `topic`, so stored patterns can be found with an indexed `IN`. */
export function topicPatternsFor(topic: string): string[] {
  const segments = topic.split('.');
  const families: string[] = [];
  for (let depth = 1; depth < segments.length; depth++) {
    families.push(`${segments.slice(0, depth).join('.')}${FAMILY_SUFFIX}`);
  }
  return isReservedTopic(topic) ? [topic, ...families] : [topic, ...families, WILDCARD];
}

/** Whether every topic the pattern matches is a reserved one (`gateway.*` and below, or a reserved name). */
function reservedOnly(pattern: string): boolean {
  return pattern !== WILDCARD && isReservedTopic(familyPrefix(pattern) ?? pattern);
}

/** Whether some topic could match both patterns. */
export function patternsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  if (a === WILDCARD || b === WILDCARD) return !reservedOnly(a === WILDCARD ? b : a);
  const prefixA = familyPrefix(a);
  const prefixB = familyPrefix(b);
  if (prefixA !== null && prefixB !== null) return prefixA.startsWith(prefixB) || prefixB.startsWith(prefixA);
  if (prefixA !== null) return topicMatches(a, b);
  if (prefixB !== null) return topicMatches(b, a);
  return false;
}

export function valueAtPath(payload: unknown, path: string): unknown {
  let current: unknown = payload;
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
      // Own properties only: `constructor` or `__proto__` must not reach the prototype chain.
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

/**
 * Whole-string, case-sensitive glob where `*` matches any run of characters and everything
 * else is literal. Expressions and values both come from tenants, so the work must not grow with
 * expression x value (a backtracking scan, or a RegExp, over `*aaaa…b` took seconds on a 256 KiB
 * value): the literal runs between stars are the first as a prefix, the last as a suffix, and
 * each one between found in order by `indexOf` at its leftmost place, which leaves the most
 * room for the rest. About one pass over the value.
 */
export function globMatches(expression: string, value: string): boolean {
  const parts = expression.split(WILDCARD);
  if (parts.length === 1) return expression === value;
  const first = parts[0]!;
  const last = parts.at(-1)!;
  if (first.length + last.length > value.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  const end = value.length - last.length;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    if (part === '') continue;
    const found = value.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** Characters payload filters may compare for one event, over all the webhooks it may reach. */
const FILTER_WORK_PER_EVENT = inputLimits.filterWork.max;

/**
 * What is left of an event's filter work. Each comparison is charged its value's and its
 * expression's length, what the matcher reads at most; a tenant with many webhooks and many
 * filters on one large field would otherwise make one publish cost webhooks x filters x value.
 */
export class FilterWork {
  constructor(private left = FILTER_WORK_PER_EVENT) {}

  charge(characters: number): void {
    this.left -= characters;
    if (this.left < 0) {
      throw ValidationError.at(
        ['input', 'payload'],
        `the payload filters of the webhooks this event may reach would compare more than ${FILTER_WORK_PER_EVENT / (1024 * 1024)} Mi characters of it: filter on shorter fields, or publish less`,
      );
    }
  }
}

export function filtersMatch(filters: readonly PayloadFilter[], payload: unknown, work = new FilterWork()): boolean {
  return filters.every(({ field, expression }) => {
    const value = valueAtPath(payload, field);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return false;
    const text = String(value);
    work.charge(field.length + expression.length + text.length);
    return globMatches(expression, text);
  });
}

/** What routing looks at on a webhook. */
type RoutedWebhook = {
  id: string;
  enabled: boolean;
  topics: readonly string[];
  configuration: { echo: boolean; channelTypes: readonly string[]; filters: readonly PayloadFilter[] };
};

export type RoutedEvent = { topic: string; payload: unknown; channelType: string | null; echo: boolean };

/**
 * Whether a published event goes to this webhook: enabled, a topic pattern matches, echo events
 * only where echo is on, the event's channel among channelTypes when that list is set, and every
 * payload filter matches; and never an operational event about this very webhook.
 */
export function receives(webhook: RoutedWebhook, event: RoutedEvent, work?: FilterWork): boolean {
  const { channelTypes, echo, filters } = webhook.configuration;
  if (!webhook.enabled || !webhook.topics.some((pattern) => topicMatches(pattern, event.topic))) return false;
  if (aboutWebhook(event) === webhook.id) return false;
  if (event.echo && !echo) return false;
  if (channelTypes.length > 0 && (event.channelType === null || !channelTypes.includes(event.channelType))) return false;
  return filtersMatch(filters, event.payload, work);
}
