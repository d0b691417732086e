/* Tapdesk's service worker (scope "/").
 *
 * The server prepends `const TAPDESK = {version, assets, shell, icon, badge}` when it serves /sw.js: `version` hashes this file,
 * the NiceGUI version and every precached file, so a deploy that changes any of them installs a new worker, which
 * takes over at once and drops the old caches.
 *
 * Never cache page HTML: a NiceGUI page embeds a fresh client id; a cached copy would reconnect with a dead id,
 * reload, get the cached copy again, and loop. The one exception is a help article (/help/a/<id>), a plain page
 * with no client id: a copy is kept so that an article read once can be read again with no signal. Pages, /_nicegui_ws/, /files/, uploads and every non-GET request go
 * to the network untouched.
 */
'use strict';

const SHELL_CACHE = `tapdesk-shell-${TAPDESK.version}`;
const ASSET_CACHE = `tapdesk-assets-${TAPDESK.version}`;
const OFFLINE_URL = '/offline';
const HELP_CACHE = 'tapdesk-help'; // help articles opened before (plain pages, pages/help_centre.py), kept across deploys
const HELP_ARTICLES = '/help/a/';
const SHELL = new Set(TAPDESK.shell);
const DYNAMIC_ASSETS = `${TAPDESK.assets}dynamic_resources/`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // `reload`: fetch past the HTTP cache, or a new worker could store the previous deploy's files.
      await cache.addAll(TAPDESK.shell.map((url) => new Request(url, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const current = [SHELL_CACHE, ASSET_CACHE, HELP_CACHE];
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith('tapdesk-') && !current.includes(name)).map((name) => caches.delete(name)),
      );
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && url.pathname.startsWith(HELP_ARTICLES)) {
    event.respondWith(helpArticle(event));
  } else if (request.mode === 'navigate') {
    event.respondWith(navigation(event));
  } else if (SHELL.has(url.pathname + url.search)) { // static files are listed with their version query
    event.respondWith(fromShell(request));
  } else if (url.pathname.startsWith(TAPDESK.assets) && !url.pathname.startsWith(DYNAMIC_ASSETS)) {
    event.respondWith(versionedAsset(event));
  }
  // Anything else (socket.io polling, photos, NiceGUI's own fetches): the browser's default, no cache.
});

/** Pages: always the network; the offline page only when the network fails. Never stored. */
async function navigation(event) {
  try {
    const preloaded = await event.preloadResponse;
    if (preloaded) return preloaded;
    return await fetch(event.request);
  } catch (error) {
    return (await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE })) || Response.error();
  }
}

/** A help article: the network first (and a copy kept); with no network, the copy from the last time it was read. */
async function helpArticle(event) {
  const cache = await caches.open(HELP_CACHE);
  try {
    const preloaded = await event.preloadResponse;
    const response = preloaded || (await fetch(event.request));
    if (response.status === 200 && !response.redirected) {
      event.waitUntil(cache.put(event.request.url.split('?')[0], response.clone()));
    }
    return response;
  } catch (error) {
    return (
      (await cache.match(event.request.url.split('?')[0])) ||
      (await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE })) ||
      Response.error()
    );
  }
}

async function fromShell(request) {
  return (await caches.match(request, { cacheName: SHELL_CACHE })) || fetch(request);
}

/** /_nicegui/<version>/...: the URL changes with every NiceGUI version, so the first copy is good for ever. */
async function versionedAsset(event) {
  const cache = await caches.open(ASSET_CACHE);
  const hit = await cache.match(event.request);
  if (hit) return hit;
  const response = await fetch(event.request);
  if (response.status === 200 && response.type === 'basic') {
    event.waitUntil(cache.put(event.request, response.clone()));
  }
  return response;
}

/** A same-origin absolute URL for `path`, or null: a notification never leads or posts anywhere else. */
function sameOrigin(path) {
  if (typeof path !== 'string' || !path) return null;
  try {
    const url = new URL(path, self.location.origin);
    return url.origin === self.location.origin ? url.href : null;
  } catch (error) {
    return null;
  }
}

self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = { body: event.data.text() };
  }
  const data = {
    url: sameOrigin(message.url) || sameOrigin('/'),
    ticket_id: message.ticket_id ?? null,
    kind: message.kind ?? null,
    action_url: sameOrigin(message.action_url),
    rate_url: sameOrigin(message.rate_url),
  };
  const actions = (Array.isArray(message.actions) ? message.actions : [])
    .filter((a) => a && typeof a.action === 'string' && typeof a.title === 'string')
    .map((a) => ({ action: a.action, title: a.title }))
    .slice(0, self.Notification?.maxActions ?? 2);
  const tag = message.tag || (data.ticket_id != null ? `ticket-${data.ticket_id}` : 'tapdesk');
  event.waitUntil(
    self.registration.showNotification(message.title || 'Tapdesk', {
      body: message.body || '',
      tag,
      renotify: true,
      data,
      icon: TAPDESK.icon,
      badge: TAPDESK.badge,
      actions,
      timestamp: Date.now(),
    }),
  );
});

// The browser replaced this device's subscription (keys rotated, it expired): tell Tapdesk where to send from now on,
// or notifications would stop until the person turned them on again. Without a new one, subscribe anew.
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(resubscribe(event.oldSubscription || null, event.newSubscription || null));
});

async function resubscribe(old, fresh) {
  if (!fresh) {
    let key = old?.options?.applicationServerKey || null;
    if (!key) {
      const response = await fetch('/push/key', { credentials: 'same-origin' });
      if (!response.ok) return;
      key = await response.text();
    }
    fresh = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  }
  await fetch('/push/subscription-change', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ old_endpoint: old?.endpoint ?? null, subscription: fresh.toJSON() }),
  });
}

self.addEventListener('notificationclick', (event) => {
  const action = event.action || '';
  const notification = event.notification;
  const data = notification.data || {};
  const choice = (notification.actions || []).find((a) => a.action === action);
  notification.close();
  event.waitUntil(onNotificationClick(action, data, { tag: notification.tag, title: choice ? choice.title : '' }));
});

async function onNotificationClick(action, data, tapped) {
  if (action.startsWith('rate-') && sameOrigin(data.rate_url)) return rate(action, data, tapped);
  // A button on the notification: one tap does it, with no page in between.
  const target = action ? sameOrigin(data.action_url) : null;
  if (target) {
    try {
      const response = await post(target, action);
      if (response.ok) return said(await response.json().catch(() => ({})), data, tapped);
    } catch (error) {
      // offline or refused: open the page instead, where the same choice is one tap away
    }
  }
  await openPage(sameOrigin(data.url) || sameOrigin('/'));
}

/** A rating button: POST it to the single-use rating link, then say it was recorded. If it was not, open a page
 * where it is one tap away: the rating page (offline, refused), or the ticket (link used or expired). */
async function rate(action, data, tapped) {
  let response = null;
  try {
    response = await post(sameOrigin(data.rate_url), action);
  } catch (error) {
    // offline: the rating page below
  }
  if (response && response.ok) {
    const answer = await response.json().catch(() => ({}));
    const number = answer.ticket_id ?? data.ticket_id;
    const words = tapped.title || answer.words || 'it';
    const poor = typeof answer.score === 'number' && answer.score <= 2;
    return self.registration.showNotification(`Thanks — you rated #${number} ${words}`, {
      body: poor ? 'Sorry it did not go well. Tap to open the request and reopen it.' : 'Tap to open the request.',
      tag: tapped.tag || (number != null ? `ticket-${number}` : 'tapdesk'),
      renotify: false,
      silent: true,
      data: { url: data.url, ticket_id: number, kind: 'rated', action_url: null, rate_url: null },
      icon: TAPDESK.icon,
      badge: TAPDESK.badge,
      timestamp: Date.now(),
    });
  }
  const settled = response && [400, 404, 409].includes(response.status); // used, expired, not valid: see the ticket
  return openPage(settled ? sameOrigin(data.url) || sameOrigin('/') : sameOrigin(data.rate_url));
}

/** What the server answered a button with (e.g. "Visit planned"), in place of the notification that was tapped. */
function said(answer, data, tapped) {
  if (typeof answer.title !== 'string') return undefined;
  return self.registration.showNotification(answer.title, {
    body: typeof answer.body === 'string' ? answer.body : '',
    tag: tapped.tag || 'tapdesk',
    renotify: false,
    silent: true,
    data: { url: data.url, ticket_id: answer.ticket_id ?? data.ticket_id, kind: 'answered', action_url: null, rate_url: null },
    icon: TAPDESK.icon,
    badge: TAPDESK.badge,
    timestamp: Date.now(),
  });
}

function post(url, action) {
  return fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ action }),
  });
}

/** Focus a Tapdesk window already showing `url`, else bring one to `url`, else open a new one. */
async function openPage(url) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const showing = windows.find((client) => client.url === url);
  if (showing) return showing.focus().catch(() => showing);
  for (const client of windows) {
    let navigated = null;
    try {
      navigated = await client.navigate(url);
    } catch (error) {
      continue; // not controlled by this worker (yet): try the next window, or open one
    }
    if (!navigated) continue;
    try {
      await navigated.focus();
    } catch (error) {
      // focusing needs the user's tap; the window shows the ticket either way
    }
    return navigated;
  }
  return self.clients.openWindow(url);
}
