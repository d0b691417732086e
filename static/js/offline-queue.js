// Tapdesk, work with no signal: a technician's actions on a job are kept on the phone and sent in order when the
// connection returns (pages/offline_api.py has the server's side: POST /api/actions, and the ticket page's panel).
//
// NiceGUI's buttons and dialogs travel over its socket, so they cannot work offline. The ticket page carries a panel
// of plain HTML with no server events (hidden until the connection drops: tapdesk.css); this script handles its
// taps, keeps each action in IndexedDB with a uuid of its own (it survives closing the app), shows "Waiting to send
// (N)" on every page, and sends the actions one at a time: at start, on 'online', when NiceGUI's socket connects,
// and after a failed try with back-off. The server applies each id once, so a retry after a lost answer is safe.
// A refused action (the ticket changed meanwhile) stays on the phone as a card with the sentence and what was typed.
(() => {
  const DB = 'tapdesk-offline';
  const STORE = 'actions';
  const LABELS = {
    note: 'Reply', photo: 'Photo', on_the_way: 'On my way', arrived: 'Checked in', resolve: 'Marked fixed', tick: 'Check',
    leaving: 'Leaving',
  };
  const TYPED = ['text', 'summary'];
  let opened = null;
  let items = []; // every kept action, in order: {id, user, seq, ticket_id, type, payload, made_at, state, sentence, text}
  let flushing = false;
  let retryTimer = null;
  let delay = 2000;
  const paused = new Map(); // user id -> why their actions are not being sent (signed out, someone else signed in)

  // ---- storage ----------------------------------------------------------------------------------------------------
  const database = () => opened || (opened = new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  }));
  const run = async (mode, work) => {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
    });
  };
  const load = async () => {
    try {
      items = (await run('readonly', (s) => s.getAll())).sort((a, b) => a.seq - b.seq);
    } catch (error) {
      console.warn('Tapdesk: offline queue unavailable', error);
    }
    render();
  };
  const put = (item) => run('readwrite', (s) => s.put(item));
  const remove = (id) => run('readwrite', (s) => s.delete(id));

  // ---- keeping an action ----------------------------------------------------------------------------------------
  const uuid = () => (crypto.randomUUID ? crypto.randomUUID() : '10000000-1000-4000-8000-100000000000'.replace(
    /[018]/g, (c) => (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));
  let counter = 0;
  const keep = async (user, ticketId, type, payload) => {
    const item = {
      id: uuid(), user, seq: Date.now() * 1000 + (counter++ % 1000), ticket_id: ticketId, type, payload,
      made_at: new Date().toISOString(), state: 'waiting', sentence: '', text: '',
    };
    await put(item);
    items.push(item);
    render();
    flush();
  };

  // ---- sending ----------------------------------------------------------------------------------------------------
  const flush = () => (navigator.locks ? navigator.locks.request('td-offline-queue', send) : send());
  const send = async () => {
    if (flushing) return;
    flushing = true;
    try {
      await load(); // another tab may have sent or added some
      for (;;) {
        const next = items.find((a) => a.state === 'waiting' && !paused.has(a.user));
        if (!next) break;
        const answer = await post(next);
        if (answer === null) { later(); break; }
        await settle(next, answer);
      }
    } finally {
      flushing = false;
      render();
    }
  };
  const post = async (item) => {
    const { id, user, ticket_id, type, payload, made_at } = item;
    try {
      const response = await fetch('/api/actions', {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ id, user, ticket_id, type, payload, made_at }),
      });
      const body = await response.json().catch(() => ({}));
      if (response.status >= 500 || response.status === 403 || response.status === 429) return null;
      return { status: response.status, body };
    } catch (error) {
      return null; // no network: try again later
    }
  };
  const settle = async (item, { status, body }) => {
    delay = 2000;
    if (status === 401 || status === 409) {
      paused.set(item.user, status === 401 ? 'Sign in again to send them.' : 'Someone else is signed in.');
      return;
    }
    if (status === 200 && body.result !== 'refused') {
      await remove(item.id);
      items = items.filter((a) => a.id !== item.id);
      return;
    }
    // Refused by the server (the ticket changed) or not accepted at all (400, 413): kept, with the sentence.
    item.state = 'refused';
    item.sentence = body.sentence || body.error || 'This could not be sent.';
    item.text = body.text || typedIn(item.payload);
    delete item.payload.photo; // the photo's bytes are not kept for a card that only shows the words
    await put(item);
  };
  const later = () => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, delay);
    delay = Math.min(delay * 2, 60000);
  };
  const typedIn = (payload) => TYPED.map((f) => payload?.[f]).filter((t) => typeof t === 'string' && t).join('\n\n');

  // ---- what shows: "Waiting to send (N)" and the refused cards --------------------------------------------------------
  let box = null;
  const element = (tag, className, text) => {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text; // never innerHTML: these are a person's words
    return made;
  };
  const render = () => {
    renderPanel();
    if (!document.body) return;
    if (!box) {
      box = element('div', 'td-queue');
      box.setAttribute('role', 'status');
      document.body.appendChild(box);
    }
    box.replaceChildren();
    const waiting = items.filter((a) => a.state === 'waiting');
    const refused = items.filter((a) => a.state === 'refused');
    box.hidden = !waiting.length && !refused.length;
    if (waiting.length) {
      const head = element('div', 'td-queue-head', `Waiting to send (${waiting.length})`);
      const why = [...new Set(waiting.map((a) => paused.get(a.user)).filter(Boolean))].join(' ');
      if (why) head.append(element('span', 'td-queue-why', ` · ${why}`));
      const list = element('ol', 'td-queue-list');
      for (const a of waiting) list.append(element('li', '', describe(a)));
      box.append(head, list);
    }
    for (const a of refused) box.append(card(a));
    // The page can scroll past the box: what it covers at the bottom (the panel's buttons) stays reachable.
    document.body.style.setProperty('--td-queue-h', box.hidden ? '0px' : `${box.offsetHeight + 8}px`);
  };
  const describe = (a) => {
    const words = typedIn(a.payload);
    const label = a.type === 'note' && a.payload.internal ? 'Note' : LABELS[a.type] || a.type;
    const extra = a.type === 'on_the_way' && a.payload.minutes ? ` (${a.payload.minutes} min)`
      : a.type === 'tick' ? ` "${a.payload.label || a.payload.item}"`
        : a.type === 'leaving' ? (a.payload.fixed ? ', fixed' : ', another visit needed') : '';
    return `${label}${extra} · #${a.ticket_id}${words ? ` · ${words.length > 60 ? words.slice(0, 59) + '…' : words}` : ''}`;
  };
  const card = (a) => {
    const made = element('div', 'td-queue-card');
    made.append(element('div', 'td-queue-sentence', a.sentence));
    if (a.text) made.append(element('div', 'td-queue-text', a.text));
    const row = element('div', 'td-queue-buttons');
    if (a.text) {
      const copy = element('button', 'td-op-button td-op-outline', 'Copy');
      copy.type = 'button';
      copy.onclick = () => navigator.clipboard?.writeText(a.text).then(() => { copy.textContent = 'Copied'; });
      row.append(copy);
      const field = document.querySelector(`[data-draft$=":t${a.ticket_id}:reply"]`);
      if (field) {
        const back = element('button', 'td-op-button td-op-outline', 'Put in reply box');
        back.type = 'button';
        back.onclick = () => { setField(field, a.text); forget(a); };
        row.append(back);
      }
    }
    const dismiss = element('button', 'td-op-button', 'Dismiss');
    dismiss.type = 'button';
    dismiss.onclick = () => forget(a);
    row.append(dismiss);
    made.append(row);
    return made;
  };
  const forget = async (a) => {
    await remove(a.id);
    items = items.filter((x) => x.id !== a.id);
    render();
  };
  const setField = (field, text) => {
    field.value = text;
    field.dispatchEvent(new Event('input', { bubbles: true })); // Quasar's model, NiceGUI and the draft follow
  };

  // ---- the ticket page's panel --------------------------------------------------------------------------------------
  const panel = () => document.querySelector('[data-td-offline-panel]');
  // The ticket as the phone knows it: what the page showed last (data-td-* attributes of the ticket's actions and
  // its checklist, kept current by NiceGUI while online) with what is waiting to be sent applied on top.
  const known = (p) => {
    const facts = document.querySelector('[data-td-status]')?.dataset || {};
    const ticketId = Number(p.dataset.ticket);
    const ticket = { status: facts.tdStatus || '', onSite: facts.tdOnsite === '1', works: facts.tdWorks === '1' };
    const checks = [...document.querySelectorAll('[data-td-check]')].map((row) => ({
      item: Number(row.dataset.tdCheck), label: row.dataset.tdText || '', ticked: row.dataset.tdTicked === '1',
      required: row.dataset.tdRequired === '1', photo: row.dataset.tdPhoto === '1',
    }));
    for (const a of items) {
      if (a.ticket_id !== ticketId || a.state !== 'waiting') continue;
      if (a.type === 'on_the_way') ticket.status = 'on_the_way';
      if (a.type === 'arrived') Object.assign(ticket, { status: 'in_progress', onSite: true });
      if (a.type === 'resolve') ticket.status = 'resolved';
      if (a.type === 'leaving') Object.assign(ticket, { onSite: false }, a.payload.fixed ? { status: 'resolved' } : {});
      if (a.type === 'tick') checks.filter((c) => c.item === a.payload.item).forEach((c) => { c.ticked = true; });
    }
    return { ...ticket, checks };
  };
  const renderPanel = () => {
    const p = panel();
    if (!p) return;
    const { status, onSite, works, checks } = known(p);
    const moves = JSON.parse(p.dataset.moves || '{}')[status] || [];
    const open = !['resolved', 'closed'].includes(status);
    const can = {
      open,
      on_the_way: works && moves.includes('on_the_way'),
      arrived: works && status === 'on_the_way',
      resolved: works && moves.includes('resolved'),
      checks: works && open && checks.length > 0,
      leaving: works && onSite,
      not_on_site: !onSite,
    };
    for (const part of p.querySelectorAll('[data-op-needs]')) part.hidden = !can[part.dataset.opNeeds];
    renderChecks(p, checks);
  };
  let drawnChecks = '';
  const renderChecks = (p, checks) => {
    const list = p.querySelector('[data-op-checks]');
    const drawn = JSON.stringify(checks);
    if (!list || drawn === drawnChecks) return; // redrawn only when it changed: an open file picker keeps its input
    drawnChecks = drawn;
    list.replaceChildren(...checks.map((c) => {
      if (c.ticked) return element('div', 'td-op-check td-op-ticked', `✓ ${c.label}`);
      if (!c.photo) {
        const tick = element('button', 'td-op-button td-op-outline td-op-tick', `Tick: ${c.label}`);
        Object.assign(tick, { type: 'button' });
        Object.assign(tick.dataset, { op: 'tick', item: String(c.item) });
        return tick;
      }
      const withPhoto = element('label', 'td-op-button td-op-outline td-op-tick', `Photo and tick: ${c.label}`);
      const input = element('input');
      Object.assign(input, { type: 'file', accept: 'image/*', hidden: true });
      Object.assign(input.dataset, { op: 'tick_photo', item: String(c.item) });
      withPhoto.append(input);
      return withPhoto;
    }));
  };
  const field = (p, name) => p.querySelector(`[data-op-field="${name}"]`);
  const say = (p, text) => { p.querySelector('[data-op-error]').textContent = text; };
  const act = async (p, type, item) => {
    const user = Number(p.dataset.user);
    const ticketId = Number(p.dataset.ticket);
    say(p, '');
    if (type === 'note') {
      const text = field(p, 'text').value.trim();
      if (!text) return say(p, 'Write something first.');
      await keep(user, ticketId, 'note', { text, internal: field(p, 'internal').checked });
      setField(field(p, 'text'), '');
      field(p, 'internal').checked = false;
    } else if (type === 'on_the_way') {
      const minutes = Number(field(p, 'minutes').value);
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 720) return say(p, 'Say in how many minutes (1 to 720).');
      await keep(user, ticketId, 'on_the_way', { minutes });
    } else if (type === 'arrived') {
      const position = await hereIfShared();
      await keep(user, ticketId, 'arrived', position ? { position } : {});
    } else if (type === 'tick') {
      const check = known(p).checks.find((c) => c.item === item);
      if (check) await keep(user, ticketId, 'tick', { item, label: check.label });
    } else if (type === 'resolve' || type === 'leaving_fixed') {
      const summary = field(p, 'summary').value.trim();
      if (!summary) return say(p, 'Write a short summary of the fix.');
      const missing = known(p).checks.filter((c) => c.required && !c.ticked).map((c) => c.label);
      if (missing.length) return say(p, `Tick the required checks first: ${missing.join(', ')}.`);
      await keep(user, ticketId, type === 'resolve' ? 'resolve' : 'leaving', type === 'resolve' ? { summary } : { fixed: true, summary });
      setField(field(p, 'summary'), '');
    } else if (type === 'leaving_again') {
      await keep(user, ticketId, 'leaving', { fixed: false });
    }
  };
  // Where the phone is, for "Arrived", only if its owner already lets Tapdesk know (never asked here) and it
  // answers within 5 s: the check-in never waits longer for it.
  const hereIfShared = async () => {
    try {
      const allowed = await navigator.permissions?.query({ name: 'geolocation' });
      if (allowed?.state !== 'granted') return null;
      const found = await new Promise((resolve, reject) => navigator.geolocation.getCurrentPosition(
        resolve, reject, { timeout: 5000, maximumAge: 120000 }));
      const { latitude, longitude, accuracy } = found.coords;
      return { latitude, longitude, accuracy };
    } catch (error) {
      return null;
    }
  };
  const tickWithPhoto = async (p, input) => {
    const file = input.files?.[0];
    const item = Number(input.dataset.item);
    if (!file) return;
    const check = known(p).checks.find((c) => c.item === item);
    try {
      await keep(Number(p.dataset.user), Number(p.dataset.ticket), 'tick', {
        item, label: check?.label || '', photo: await smaller(file),
      });
    } catch (error) {
      say(p, 'This photo could not be kept on the phone (too large, or not a photo).');
    }
  };
  const addPhoto = async (p, input) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      const text = field(p, 'text').value.trim();
      await keep(Number(p.dataset.user), Number(p.dataset.ticket), 'photo', {
        photo: await smaller(file), filename: file.name || 'photo.jpg', text, internal: field(p, 'internal').checked,
      });
      if (text) setField(field(p, 'text'), '');
    } catch (error) {
      say(p, 'This photo could not be kept on the phone (too large, or not a photo).');
    }
  };
  // A phone photo (3-12 MB) is made at most 1600 px wide as a JPEG first: it fits in storage and a weak signal.
  const smaller = async (file) => {
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return canvas.toDataURL('image/jpeg', 0.85);
    } catch (error) {
      return new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result);
        reader.onerror = () => reject(reader.error);
        reader.readAsDataURL(file);
      });
    }
  };
  // The reply box hides while offline: what was typed there moves into the panel rather than out of sight.
  const adopt = () => {
    const p = panel();
    const reply = p && document.querySelector(`[data-draft$=":t${p.dataset.ticket}:reply"]`);
    const text = p && field(p, 'text');
    if (!reply || !text || text.value || !reply.value) return;
    setField(text, reply.value);
    setField(reply, '');
  };

  document.addEventListener('click', (event) => {
    const button = event.target.closest?.('[data-td-offline-panel] button[data-op]');
    if (button) act(button.closest('[data-td-offline-panel]'), button.dataset.op, Number(button.dataset.item));
  });
  document.addEventListener('change', (event) => {
    if (event.target.matches?.('[data-td-offline-panel] input[data-op="photo"]')) {
      addPhoto(event.target.closest('[data-td-offline-panel]'), event.target);
    } else if (event.target.matches?.('[data-td-offline-panel] input[data-op="tick_photo"]')) {
      tickWithPhoto(event.target.closest('[data-td-offline-panel]'), event.target);
    }
  });

  // ---- when to send ------------------------------------------------------------------------------------------------------
  addEventListener('online', () => { delay = 2000; paused.clear(); flush(); });
  let queued = false; // class changes are frequent (Quasar): look once per frame
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      if (document.body.classList.contains('td-is-offline')) adopt();
      renderPanel();
    });
  }).observe(document.documentElement, { attributes: true, subtree: true, attributeFilter: ['class', 'data-td-status', 'data-td-onsite', 'data-td-ticked'] });
  const watchSocket = () => {
    if (!window.socket) return false;
    window.socket.on('connect', () => { paused.clear(); flush(); });
    return true;
  };
  const start = () => {
    load().then(flush);
    if (watchSocket()) return;
    const poll = setInterval(() => watchSocket() && clearInterval(poll), 100);
    setTimeout(() => clearInterval(poll), 15000);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();

  window.tdQueue = {
    count: () => items.filter((a) => a.state === 'waiting').length,
    flush,
    forgetAll: async () => { // on sign-out: a shared phone keeps nobody's actions
      try {
        await run('readwrite', (s) => s.clear());
      } catch (error) { /* nothing kept */ }
      items = [];
      render();
    },
  };
})();
