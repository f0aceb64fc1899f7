import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, request, setKey, storedKey } from './api.ts';
import { DeliveryView } from './delivery.tsx';
import { Feed, useAttemptFeed, type Attempt } from './feed.tsx';
import { Viewer, Webhooks as WebhooksQuery } from './operations.ts';
import { Webhooks, type WebhookRow } from './webhooks.tsx';
import type { MonitorWebhooksQuery } from './gql/graphql.ts';

/** Webhooks fetched per request (each with a day of statistics: the query's cost budget allows about 40). */
const WEBHOOK_PAGE = 25;
import './monitor.css';

type Session = { tenantName: string; scopes: string[] };

/** Re-reading the webhook list (and charts) at most this often, however many attempts arrive. */
const REFRESH_MS = 1500;

function KeyPrompt(props: { error: string | null; onKey: (key: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="key-prompt panel"
      onSubmit={(e) => {
        e.preventDefault();
        props.onKey(value.trim());
      }}
      autocomplete="off"
    >
      <h1>Delivery monitor</h1>
      <label for="api-key">API key</label>
      <input
        id="api-key"
        type="password"
        placeholder="whgw_…"
        spellcheck={false}
        required
        value={value}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
      />
      <button type="submit">Watch</button>
      {props.error && (
        <p class="error" role="alert" data-testid="key-error">
          {props.error}
        </p>
      )}
      <p class="hint">A key with WEBHOOKS_READ is enough to watch. It is kept for this tab only (sessionStorage), never put in a URL.</p>
    </form>
  );
}

function route(): { delivery: string | null } {
  const match = /^#\/deliveries\/([\w-]+)$/.exec(location.hash);
  return { delivery: match?.[1] ?? null };
}

function Monitor(props: { session: Session; signOut: () => void }) {
  const [webhooks, setWebhooks] = useState<{ nodes: WebhookRow[]; total: number }>({ nodes: [], total: 0 });
  const [versions, setVersions] = useState(new Map<string, number>());
  const [error, setError] = useState<string | null>(null);
  const [at, setAt] = useState(route());
  const dirty = useRef(new Set<string>());
  const timer = useRef(0);

  // How many webhooks the list shows: a page at first, a page more each time the operator asks.
  // A refresh fetches them all again, page by page, so every row shown stays current.
  const shown = useRef(WEBHOOK_PAGE);
  const load = useCallback(async () => {
    try {
      const nodes: WebhookRow[] = [];
      let after: string | null = null;
      let total = 0;
      do {
        const page: MonitorWebhooksQuery = await request(WebhooksQuery, { after });
        nodes.push(...page.webhooks.nodes);
        total = page.webhooks.totalCount;
        after = page.webhooks.pageInfo.hasNextPage ? (page.webhooks.pageInfo.endCursor ?? null) : null;
      } while (after !== null && nodes.length < shown.current);
      setWebhooks({ nodes, total });
      setError(null);
    } catch (e) {
      setError((e as ApiError).message);
    }
  }, []);
  const showMore = useCallback(() => {
    shown.current += WEBHOOK_PAGE;
    void load();
  }, [load]);
  useEffect(() => void load(), []);
  useEffect(() => {
    const onHash = () => setAt(route());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  // Attempts mark their webhook; a timer turns the marks into one refetch of list and charts.
  const onAttempt = useCallback(
    (attempt: Attempt) => {
      dirty.current.add(attempt.webhookId);
      timer.current ||= window.setTimeout(() => {
        timer.current = 0;
        const changed = [...dirty.current, '*']; // '*': any attempt (the delivery page)
        dirty.current.clear();
        setVersions((old) => new Map([...old, ...changed.map((id) => [id, (old.get(id) ?? 0) + 1] as const)]));
        load();
      }, REFRESH_MS);
    },
    [load],
  );
  const feed = useAttemptFeed(onAttempt);
  const open = (id: string) => (location.hash = `#/deliveries/${id}`);

  return (
    <>
      <header class="top">
        <h1>Delivery monitor</h1>
        <span class="muted" data-testid="tenant">
          Tenant {props.session.tenantName} · {props.session.scopes.join(', ')}
        </span>
        <nav>
          <a href="/graphql">GraphiQL</a>
          <button type="button" onClick={props.signOut}>
            Change key
          </button>
        </nav>
      </header>
      {error && (
        <p class="error panel" role="alert">
          {error}
        </p>
      )}
      {at.delivery ? (
        <DeliveryView id={at.delivery} version={versions.get('*') ?? 0} back={() => (location.hash = '')} />
      ) : (
        <main class="grid">
          <Webhooks webhooks={webhooks.nodes} total={webhooks.total} versions={versions} refresh={load} more={showMore} />
          <Feed feed={feed} webhooks={webhooks.nodes} open={open} />
        </main>
      )}
    </>
  );
}

function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const tryKey = useCallback(async (key: string) => {
    setChecking(true);
    setKey(key);
    try {
      const { viewer } = await request(Viewer);
      setSession({ tenantName: viewer.tenantName, scopes: viewer.scopes });
      setError(null);
    } catch (e) {
      setKey(null);
      setError(
        e instanceof ApiError && e.status === 401
          ? 'That API key was not accepted: check it, or create one with npm run keys -- create.'
          : (e as Error).message,
      );
    }
    setChecking(false);
  }, []);

  useEffect(() => {
    const key = storedKey();
    if (key) void tryKey(key);
  }, []);

  if (session)
    return (
      <Monitor
        session={session}
        signOut={() => {
          setKey(null);
          setSession(null);
        }}
      />
    );
  return checking ? <p class="panel">Checking the key…</p> : <KeyPrompt error={error} onKey={tryKey} />;
}

render(<App />, document.getElementById('monitor')!);
