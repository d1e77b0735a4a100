// One real LiveStore 0.4.0 client in its own process, driven by JSON lines on stdin.
//
// Started by the scenario harness (harness.mjs). It boots a LiveStore store (Node adapter, single-threaded)
// whose sync backend is `makeWsSync` or `makeHttpSync` from `@livestore/sync-cf/client`, pointed at the given
// URL. Requests arrive as one JSON object per stdin line: {id, op, ...}; each gets exactly one reply line on
// stdout: {id, ok: true, result} or {id, ok: false, error}. Unsolicited notices are {event: ...} lines:
// `ready` once the store is up, `shutdown` when LiveStore shuts the store down by itself (for instance after
// a backendId mismatch). Diagnostics go to stderr.
//
// Flags: --url URL --transport ws|http --store-id ID --client-id ID [--storage in-memory|fs --data-dir DIR]
//        [--on-backend-id-mismatch reset|shutdown|ignore] [--poll-ms N] [--sync-payload JSON] [--max-lifetime-ms N]
import { createInterface } from 'node:readline'
import { format, parseArgs } from 'node:util'
import { WebSocket } from 'ws'

// stdout carries the JSON-lines protocol only: everything LiveStore (or anything else) logs goes to stderr.
for (const level of ['log', 'info', 'debug', 'warn', 'error', 'trace']) {
  console[level] = (...args) => process.stderr.write(`${format(...args)}\n`)
}

// Node 20 has no global WebSocket; makeWsSync needs one. This must happen before LiveStore is loaded,
// which is why LiveStore is imported dynamically below.
if (typeof globalThis.WebSocket !== 'function') {
  globalThis.WebSocket = WebSocket
}

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    transport: { type: 'string', default: 'ws' },
    'store-id': { type: 'string' },
    'client-id': { type: 'string' },
    storage: { type: 'string', default: 'in-memory' },
    'data-dir': { type: 'string' },
    'on-backend-id-mismatch': { type: 'string', default: 'reset' },
    'poll-ms': { type: 'string', default: '500' },
    'sync-payload': { type: 'string' },
    'max-lifetime-ms': { type: 'string', default: '120000' },
  },
})

const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`)
const log = (...parts) => process.stderr.write(`[client ${opts['client-id']}] ${parts.join(' ')}\n`)

const fail = (message) => {
  log('FATAL', message)
  process.exit(2)
}

for (const required of ['url', 'store-id', 'client-id']) {
  if (opts[required] === undefined) fail(`missing --${required}`)
}
if (!['ws', 'http'].includes(opts.transport)) fail(`--transport must be ws or http, got ${opts.transport}`)
if (!['in-memory', 'fs'].includes(opts.storage)) fail(`--storage must be in-memory or fs, got ${opts.storage}`)
if (opts.storage === 'fs' && opts['data-dir'] === undefined) fail('--storage fs needs --data-dir')

let syncPayload
if (opts['sync-payload'] !== undefined) {
  try {
    syncPayload = JSON.parse(opts['sync-payload'])
  } catch (e) {
    fail(`--sync-payload must be JSON: ${e.message}`)
  }
}

const lifetime = setTimeout(() => fail(`still running after ${opts['max-lifetime-ms']} ms; giving up`),
  Number(opts['max-lifetime-ms']))
lifetime.unref()

const { createStorePromise, makeShutdownDeferred, queryDb } = await import('@livestore/livestore')
const { makeAdapter } = await import('@livestore/adapter-node')
const { makeWsSync, makeHttpSync } = await import('@livestore/sync-cf/client')
const { Effect, Deferred, Exit, Cause } = await import('@livestore/utils/effect')
const { events, schema, tables } = await import('./schema.mjs')

const backend = opts.transport === 'ws'
  ? makeWsSync({ url: opts.url })
  : makeHttpSync({ url: opts.url, livePull: { pollInterval: Number(opts['poll-ms']) } })

const adapter = makeAdapter({
  storage: opts.storage === 'fs' ? { type: 'fs', baseDirectory: opts['data-dir'] } : { type: 'in-memory' },
  clientId: opts['client-id'],
  sessionId: `${opts['client-id']}-session`,
  sync: { backend, onBackendIdMismatch: opts['on-backend-id-mismatch'] },
})

const shutdownDeferred = await Effect.runPromise(makeShutdownDeferred)
let shutdownNotice

const store = await createStorePromise({
  adapter,
  schema,
  storeId: opts['store-id'],
  disableDevtools: true,
  shutdownDeferred,
  ...(syncPayload === undefined ? {} : { syncPayload }),
})

const describeExit = (exit) => {
  if (Exit.isSuccess(exit)) return { outcome: 'success', reason: exit.value?.reason ?? String(exit.value) }
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === 'Some') return { outcome: 'failure', errorTag: failure.value?._tag ?? 'unknown' }
  const defect = Cause.dieOption(exit.cause)
  if (defect._tag === 'Some') return { outcome: 'defect', errorTag: defect.value?._tag ?? String(defect.value) }
  return { outcome: 'interrupted' }
}

let stopping = false
Effect.runPromise(Deferred.await(shutdownDeferred).pipe(Effect.exit)).then((exit) => {
  shutdownNotice = describeExit(exit)
  if (!stopping) {
    log('store shut down by LiveStore:', JSON.stringify(shutdownNotice))
    send({ event: 'shutdown', ...shutdownNotice })
  }
})

const allTodos = queryDb(tables.todos.orderBy('id', 'asc'), { label: 'allTodos' })
const rows = () => store.query(allTodos).map(({ id, text, author, note }) => ({ id, text, author, noteLength: note.length }))

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const randomNote = (bytes) => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  let s = ''
  for (let i = 0; i < bytes; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)]
  return s
}

const operations = {
  async commit({ count, prefix, noteBytes = 0 }) {
    const ids = []
    for (let i = 0; i < count; i++) {
      const id = `${prefix}-${String(i).padStart(4, '0')}`
      store.commit(events.todoCreated({ id, text: `todo ${i} by ${opts['client-id']}`, author: opts['client-id'], note: randomNote(noteBytes) }))
      ids.push(id)
    }
    return { ids }
  },
  async rows() {
    return rows()
  },
  async waitRows({ count, timeoutMs = 20000 }) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const current = rows()
      if (current.length >= count) return current
      if (Date.now() > deadline) {
        throw new Error(`expected at least ${count} rows within ${timeoutMs} ms, have ${current.length}`)
      }
      await sleep(100)
    }
  },
  async shutdown() {
    stopping = true
    if (shutdownNotice === undefined) await store.shutdownPromise()
    return { shutdown: true }
  },
}

const lines = createInterface({ input: process.stdin })
lines.on('line', async (line) => {
  if (line.trim() === '') return
  let request
  try {
    request = JSON.parse(line)
  } catch (e) {
    send({ ok: false, error: `not JSON: ${line}` })
    return
  }
  const operation = operations[request.op]
  if (operation === undefined) {
    send({ id: request.id, ok: false, error: `unknown op ${request.op}` })
    return
  }
  try {
    const result = await operation(request)
    send({ id: request.id, ok: true, result })
    if (request.op === 'shutdown') process.exit(0)
  } catch (e) {
    send({ id: request.id, ok: false, error: e?.message ?? String(e) })
  }
})
lines.on('close', () => process.exit(0))

send({ event: 'ready', clientId: store.clientId, rows: rows().length })
