// Tapdesk on every page: register the service worker; say so when the connection drops.
(() => {
  if ('serviceWorker' in navigator) {
    addEventListener('load', () => {
      navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((e) => console.warn('Tapdesk: no service worker', e));
    });
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
  addEventListener('online', update);
  addEventListener('offline', update);
  addEventListener('pagehide', () => { leaving = true; });
  addEventListener('pageshow', () => { leaving = false; update(); });

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
})();
