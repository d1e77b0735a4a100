// Eventsync inspector: a page over the admin API (docs/admin.md). No dependencies, no external requests.
'use strict';

const api = (path) => `${location.pathname.replace(/\/[^/]*$/, '')}/api${path}`;
// A store id travels in the query, never in the path: URLs drop '.' and '..' path segments (even as %2E).
const storeQuery = (storeId) => `storeId=${encodeURIComponent(storeId)}`;
const TOKEN_KEY = 'eventsync-admin-token';
const POLL_MS = 1000;
const TAIL_MAX = 200;

const state = {
  token: null,
  selected: null,
  lastCounts: new Map(), // storeId -> {eventCount, at}
  rates: new Map(),
  tail: null, // {storeId, controller}
};

const $ = (id) => document.getElementById(id);

function setStatus(text, error = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', error);
}

async function call(method, path) {
  const response = await fetch(api(path), {
    method,
    headers: { Authorization: `Bearer ${state.token}` },
    cache: 'no-store',
  });
  // an error may come from a proxy or the transport in plain text: keep its words for the message
  const text = await response.text().catch(() => '');
  let body = {};
  try { body = text ? JSON.parse(text) : {}; } catch { body = { message: text.trim().slice(0, 300) }; }
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    showLogin('The admin token was refused.');
    throw new Error('unauthorized');
  }
  if (!response.ok) {
    throw new Error(`HTTP ${response.status}${body.message ? `: ${body.message}` : ` for ${method} ${path}`}`);
  }
  return body;
}

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '–' : String(text);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function age(iso) {
  if (!iso) return null;
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return new Date(iso).toLocaleString();
}

function updateRates(stores) {
  const now = Date.now();
  for (const s of stores) {
    const last = state.lastCounts.get(s.storeId);
    if (last && now > last.at) {
      const rate = Math.max(0, (s.eventCount - last.eventCount) / ((now - last.at) / 1000));
      state.rates.set(s.storeId, rate);
    }
    state.lastCounts.set(s.storeId, { eventCount: s.eventCount, at: now });
  }
}

function renderStores(stores) {
  const body = $('stores');
  body.replaceChildren();
  $('store-count').textContent = `(${stores.length})`;
  for (const s of stores) {
    const row = document.createElement('tr');
    row.dataset.storeId = s.storeId;
    row.dataset.testid = 'store-row';
    if (s.storeId === state.selected) row.className = 'selected';
    cell(row, s.storeId, 'id');
    cell(row, s.head, 'num').dataset.testid = 'store-head';
    cell(row, s.eventCount, 'num');
    const rate = state.rates.get(s.storeId);
    cell(row, rate === undefined ? '…' : rate.toFixed(1), 'num');
    cell(row, s.liveSubscribers, 'num');
    cell(row, age(s.lastPushAt));
    cell(row, s.backendId, 'id').dataset.testid = 'store-backend-id';
    const open = document.createElement('button');
    open.textContent = 'Inspect';
    open.dataset.testid = 'inspect';
    open.addEventListener('click', () => {
      $('action-result').hidden = true; // the last action's result belongs to the store it was done to
      select(s.storeId);
    });
    row.appendChild(document.createElement('td')).appendChild(open);
    body.appendChild(row);
  }
}

function renderClients(clients) {
  const body = $('clients');
  body.replaceChildren();
  for (const c of clients) {
    const row = document.createElement('tr');
    row.dataset.testid = 'client-row';
    cell(row, c.clientId, 'id');
    cell(row, c.transport);
    cell(row, c.remoteAddress, 'id');
    cell(row, c.cursor, 'num');
    cell(row, c.live ? 'live' : 'catching up');
    cell(row, c.lagEvents, c.lagEvents > 0 ? 'num lagging' : 'num');
    cell(row, c.lagMs, c.lagMs > 0 ? 'num lagging' : 'num');
    body.appendChild(row);
  }
}

async function refresh() {
  if (!state.token) return;
  try {
    const { stores } = await call('GET', '/stores');
    updateRates(stores);
    renderStores(stores);
    if (state.selected) {
      if (stores.some((s) => s.storeId === state.selected)) {
        const store = await call('GET', `/store?${storeQuery(state.selected)}`);
        renderClients(store.clients);
      } else {
        deselect();
      }
    }
    setStatus(`connected · ${new Date().toLocaleTimeString()}`);
  } catch (e) {
    if (e.message !== 'unauthorized') setStatus(`error: ${e.message}`, true);
  }
}

function deselect() {
  stopTail();
  state.selected = null;
  $('detail').hidden = true;
}

function select(storeId) {
  if (state.selected === storeId) return;
  stopTail();
  state.selected = storeId;
  $('detail').hidden = false;
  $('detail-store').textContent = storeId;
  $('clients').replaceChildren();
  $('tail').replaceChildren();
  for (const row of document.querySelectorAll('#stores tr')) {
    row.classList.toggle('selected', row.dataset.storeId === storeId);
  }
  const head = state.lastCounts.has(storeId)
    ? Number(document.querySelector(`#stores tr[data-store-id="${CSS.escape(storeId)}"] [data-testid="store-head"]`)?.textContent || 0)
    : 0;
  startTail(storeId, Math.max(0, head - 20));
  refresh();
}

function showEvent(event) {
  const list = $('tail');
  const item = document.createElement('li');
  item.value = event.seqNum;
  item.dataset.testid = 'tail-event';
  item.dataset.seqNum = event.seqNum;
  const pre = document.createElement('pre');
  pre.textContent = JSON.stringify(event, null, 1);
  item.appendChild(pre);
  list.prepend(item);
  while (list.children.length > TAIL_MAX) list.lastElementChild.remove();
}

function stopTail() {
  if (state.tail) {
    state.tail.controller.abort();
    state.tail = null;
  }
}

// Server-sent events read through fetch (EventSource cannot send the Authorization header).
async function startTail(storeId, after) {
  const controller = new AbortController();
  state.tail = { storeId, controller };
  const tailState = $('tail-state');
  tailState.textContent = 'connecting…';
  try {
    const response = await fetch(api(`/store/tail?${storeQuery(storeId)}&after=${after}`), {
      headers: { Authorization: `Bearer ${state.token}` },
      signal: controller.signal,
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    tailState.textContent = `following after seqNum ${after}`;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        handleMessage(buffer.slice(0, end), tailState);
        buffer = buffer.slice(end + 2);
      }
    }
    if (state.tail && state.tail.controller === controller) tailState.textContent = 'ended';
  } catch (e) {
    if (!controller.signal.aborted) tailState.textContent = `ended: ${e.message}`;
  }
}

function handleMessage(message, tailState) {
  let event = 'message';
  let data = '';
  for (const line of message.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (!data) return;
  const payload = JSON.parse(data);
  if (event === 'events') payload.events.forEach(showEvent);
  else if (event === 'caught-up') tailState.textContent = `live (caught up at seqNum ${payload.cursor ?? 0})`;
  else if (event === 'error') tailState.textContent = `ended: ${payload.message}`;
}

async function confirmAndCall(what, method, path) {
  const storeId = state.selected;
  if (!storeId || !window.confirm(`${what} store "${storeId}"? Connected clients will have to reset.`)) return;
  try {
    const result = await call(method, path(storeId));
    showResult(`${what} ${storeId}: done ${JSON.stringify(result)}`, false);
    if (method === 'DELETE') deselect();
    else { stopTail(); state.selected = null; select(storeId); }
    await refresh();
  } catch (e) {
    // the status line is rewritten by every poll: a failed action is said where it stays until the next one
    showResult(`${what} ${storeId} failed: ${e.message}`, true);
  }
}

function showResult(text, error) {
  const result = $('action-result');
  result.textContent = text;
  result.classList.toggle('error', error);
  result.hidden = false;
}

function showLogin(message) {
  $('main').hidden = true;
  $('login').hidden = false;
  setStatus(message || 'enter the admin token', Boolean(message));
}

function start(token) {
  state.token = token;
  sessionStorage.setItem(TOKEN_KEY, token);
  $('login').hidden = true;
  $('main').hidden = false;
  refresh();
}

document.addEventListener('DOMContentLoaded', () => {
  $('login').addEventListener('submit', (e) => {
    e.preventDefault();
    start($('token').value.trim());
  });
  $('reset').addEventListener('click', () => confirmAndCall('Reset', 'POST', (id) => `/store/reset?${storeQuery(id)}`));
  $('delete').addEventListener('click', () => confirmAndCall('Delete', 'DELETE', (id) => `/store?${storeQuery(id)}`));
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) history.replaceState(null, '', location.pathname); // keep the token out of the address bar
  const token = fromLink || sessionStorage.getItem(TOKEN_KEY);
  if (token) start(token);
  else showLogin();
  setInterval(refresh, POLL_MS);
});
