// The GraphiQL page's own script (served as is; no build step). It asks for the API key, checks
// it, then mounts yoga's GraphiQL with the key as a header on every HTTP request (introspection
// included, so Docs works on first load) and as graphql-ws connectionParams (GraphiQL does not
// copy its Headers tab into them, so subscriptions would otherwise close with 4401).
// The key stays in this page's memory; it goes to localStorage only when the user ticks
// "Remember", and never into a URL.

(() => {
  var STORAGE_KEY = 'webhook-gateway.graphiql.apiKey';
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  var endpoint = config.graphiql.endpoint || location.pathname;
  var form = document.getElementById('api-key-prompt');
  var input = document.getElementById('api-key');
  var remember = document.getElementById('remember-key');
  var status = document.getElementById('api-key-status');

  // Monaco starts its workers from these URLs: the gateway serves them, same origin.
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: (_moduleId, label) => config.workers[label] || config.workers.editorWorkerService,
  };

  var bundle = document.getElementById('graphiql-bundle');
  var bundleLoaded = new Promise((resolve, reject) => {
    if (self.YogaGraphiQL) return resolve();
    bundle.addEventListener('load', () => {
      resolve();
    });
    bundle.addEventListener('error', () => {
      reject(new Error(`GraphiQL could not be loaded from ${bundle.src}`));
    });
  });

  function storage() {
    try {
      return self.localStorage;
    } catch (_) {
      return null; // storage disabled: remembering is simply unavailable
    }
  }

  /** Asks the gateway who the key belongs to: { tenantName }, or { error, refused } (refused: the key is bad). */
  function check(key) {
    return fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query: '{ viewer { tenantName } }' }),
    })
      .then((response) =>
        response.json().then((body) => {
          if (body?.data?.viewer) return { tenantName: body.data.viewer.tenantName };
          var message = body?.errors?.[0]?.message;
          if (response.status === 401) return { error: 'That key was not accepted (401): check it and try again.', refused: true };
          return { error: message || `HTTP ${response.status}` };
        }),
      )
      .catch((error) => ({ error: `The gateway did not answer: ${error.message}` }));
  }

  function mount(key, tenantName) {
    form.hidden = true;
    document.getElementById('key-bar-text').textContent =
      `Tenant ${tenantName}, key ${key.slice(0, 13)}…${storage()?.getItem(STORAGE_KEY) ? ' (remembered in this browser)' : ''}`;
    document.getElementById('key-bar').hidden = false;
    // GraphiQL puts a ?query= from the URL in the editor (and runs it only on a click): a link
    // from anyone can fill it, so say so; the frame-ancestors CSP keeps other sites from framing it.
    var params = new URLSearchParams(location.search);
    document.getElementById('link-notice').hidden = !(params.has('query') || params.has('variables') || params.has('headers'));
    var root = document.getElementById('graphiql-root');
    root.hidden = false;
    var options = Object.assign({}, config.graphiql, {
      // Called per HTTP request with the Headers tab's headers in request.extensions.headers. When
      // the tab carries a key of its own, that one alone is sent: two X-API-Key headers in different
      // cases would reach the gateway joined as "a, b" and be refused.
      additionalHeaders: (request) => {
        var tab = request?.extensions?.headers || {};
        var ownKey = Object.keys(tab).some((name) => /^(x-api-key|authorization)$/i.test(name));
        return ownKey ? {} : { 'X-API-Key': key };
      },
      connectionParams: { apiKey: key },
      shouldPersistHeaders: false,
    });
    self.YogaGraphiQL.renderYogaGraphiQL(root, options);
  }

  var submit = form.querySelector('button[type=submit]');

  function open(key, keep) {
    status.textContent = 'Checking the key…';
    submit.disabled = true; // one check at a time, and GraphiQL mounted once
    return Promise.all([check(key), bundleLoaded]).then(
      (results) => {
        var who = results[0];
        submit.disabled = false;
        if (who.error) {
          status.textContent = who.error;
          // A remembered key is forgotten only when the gateway refuses it, not when it is unreachable.
          if (who.refused && storage()) storage().removeItem(STORAGE_KEY);
          input.focus();
          return;
        }
        if (keep && storage()) storage().setItem(STORAGE_KEY, key);
        status.textContent = '';
        mount(key, who.tenantName);
      },
      (error) => {
        submit.disabled = false;
        status.textContent = error.message;
      },
    );
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    var key = input.value.trim();
    input.value = '';
    if (key) open(key, remember.checked);
  });

  document.getElementById('change-key').addEventListener('click', () => {
    if (storage()) storage().removeItem(STORAGE_KEY);
    location.reload();
  });

  var remembered = storage()?.getItem(STORAGE_KEY);
  if (remembered) open(remembered, true);
})();
