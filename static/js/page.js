// Tapdesk on every page: register the service worker; say so when the connection drops.
(() => {
  if ('serviceWorker' in navigator) { // this script runs once the page has loaded (pwa.HEAD)
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((e) => console.warn('Tapdesk: no service worker', e));
  }

  // The banner shows while the device is offline, or while NiceGUI's socket is down (for 2 s when the network seems
  // fine: brief blips and leaving the page do not count), until the socket is back. NiceGUI keeps the page meanwhile,
  // sends what was typed, and replays missed updates on reconnect.
  let socketDown = false;
  let leaving = false;
  let timer = null;
  const update = () => {
    document.body?.classList.toggle('td-is-offline', !leaving && (!navigator.onLine || socketDown));
  };
  addEventListener('online', () => {
    update();
    reconnectNow();
  });
  addEventListener('offline', update);
  addEventListener('pagehide', () => { leaving = true; });
  addEventListener('pageshow', () => { leaving = false; update(); });

  // Back online: socket.io would wait out its back-off (up to 5 s) before trying again, leaving the banner up. Try now:
  // close the manager (which clears its pending retry) and open it again, with the message id NiceGUI's own retry
  // would send, so that the server replays only what this page missed. If it fails, socket.io's back-off resumes.
  const reconnectNow = () => {
    const socket = window.socket;
    if (!socket || socket.connected || leaving) return;
    const query = socket.io?.opts?.query;
    if (query && window.nextMessageId !== undefined) query.next_message_id = window.nextMessageId;
    socket.disconnect();
    socket.connect();
  };

  const watchSocket = () => {
    const socket = window.socket;
    if (!socket) return false;
    socket.on('disconnect', () => {
      clearTimeout(timer);
      if (!navigator.onLine) { socketDown = true; return; } // stays up until the socket is back, not just the network
      timer = setTimeout(() => { socketDown = true; update(); }, 2000);
    });
    socket.on('connect', () => {
      clearTimeout(timer);
      socketDown = false;
      update();
    });
    return true;
  };
  const start = () => {
    update();
    if (watchSocket()) return;
    const poll = setInterval(() => watchSocket() && clearInterval(poll), 100); // the socket is made as Vue mounts
    setTimeout(() => clearInterval(poll), 15000);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();

  // Drafts (pages/drafts.py): a field marked data-draft keeps what is typed in localStorage, so a reload after a
  // long outage (NiceGUI rebuilds the page once the server has given up on it) or a crash of the phone's browser
  // does not lose it. Put back into the field when the page is built again; forgotten once sent or on sign-out.
  const PREFIX = 'td-draft:';
  const MAX_AGE = 7 * 24 * 3600 * 1000;
  const read = (key) => {
    try {
      const saved = JSON.parse(localStorage.getItem(PREFIX + key) || 'null');
      return saved && Date.now() - saved.at < MAX_AGE ? saved.text : null;
    } catch (error) {
      return null; // storage disabled or full: the field still works, it just is not kept
    }
  };
  const write = (key, text) => {
    try {
      if (text) localStorage.setItem(PREFIX + key, JSON.stringify({ text, at: Date.now() }));
      else localStorage.removeItem(PREFIX + key);
    } catch (error) { /* as above */ }
  };
  document.addEventListener('input', (event) => {
    const key = event.target?.dataset?.draft;
    if (key && !event.tdRestoring) write(key, event.target.value);
  }, true);
  const restore = () => {
    for (const field of document.querySelectorAll('[data-draft]:not([data-td-restored])')) {
      field.dataset.tdRestored = '1';
      const text = read(field.dataset.draft);
      if (!text || field.value) continue;
      field.value = text;
      const input = new Event('input', { bubbles: true });
      input.tdRestoring = true;
      field.dispatchEvent(input); // Quasar updates its model, NiceGUI tells the server
    }
  };
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; restore(); });
  }).observe(document.documentElement, { childList: true, subtree: true });
  window.tdDrafts = {
    forget: (keys) => keys.forEach((key) => write(key, '')),
    forgetAll: () => {
      try {
        Object.keys(localStorage).filter((k) => k.startsWith(PREFIX)).forEach((k) => localStorage.removeItem(k));
      } catch (error) { /* nothing kept */ }
    },
  };
})();
