// Runs one interop scenario: parses its arguments, starts LiveStore clients as child processes (client.mjs),
// gives the scenario helpers to drive and compare them, bounds everything in time, and exits 0 on success or
// 1 with a clear message (plus the clients' logs and the recorded frames) on failure.
//
// Every scenario takes:
//   --url URL          the sync server's base URL (http://127.0.0.1:8787 or ws://...; the path is kept)
//   --store-id ID      a store id no other run uses
//   --transport ws|http  which sync-cf client transport the LiveStore clients use (default ws)
//   --timeout-ms N     the whole scenario's time limit (default 90000)
//   --control stdio    lets the scenario ask the process that started it for server-side actions (see control())
//   --verbose          streams client logs and proxy frames to stderr while running
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startProxy } from './proxy.mjs'

const CLIENT_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'client.mjs')
const CONTROL_PREFIX = '@@eventsync-control '

/** Thrown by scenario assertions; its message is the failure report's headline. */
export class ScenarioFailure extends Error {}

export const fail = (message) => {
  throw new ScenarioFailure(message)
}

export const check = (condition, message) => {
  if (!condition) fail(message)
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const withTimeout = (promise, ms, what) => {
  let timer
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new ScenarioFailure(`timed out after ${ms} ms: ${what}`)), ms)
    }),
  ])
}

/** The scenario's view of one LiveStore client process. */
class ClientProcess {
  constructor({ name, args, verbose }) {
    this.name = name
    this.logs = []
    this.notices = []
    this.pending = new Map()
    this.nextId = 1
    this.noticeWaiters = []
    this.child = spawn(process.execPath, [CLIENT_SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitCode = code
        this.logs.push(`[exit code ${code} signal ${signal}]`)
        for (const { reject } of this.pending.values()) {
          reject(new ScenarioFailure(`client ${name} exited (code ${code}) before answering`))
        }
        this.pending.clear()
        resolve({ code, signal })
      })
    })
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.logs.push(line)
      if (verbose) process.stderr.write(`  [${name}] ${line}\n`)
    })
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      let message
      try {
        message = JSON.parse(line)
      } catch {
        this.logs.push(`(stdout) ${line}`)
        return
      }
      if (message.event !== undefined) {
        this.notices.push(message)
        if (verbose) process.stderr.write(`  [${name}] notice ${line}\n`)
        for (const waiter of this.noticeWaiters.filter((w) => w.event === message.event)) waiter.resolve(message)
        this.noticeWaiters = this.noticeWaiters.filter((w) => w.event !== message.event)
        return
      }
      const waiter = this.pending.get(message.id)
      if (waiter === undefined) return
      this.pending.delete(message.id)
      if (message.ok) waiter.resolve(message.result)
      else waiter.reject(new ScenarioFailure(`client ${name}: ${message.error}`))
    })
  }

  /** Resolves with the first notice of this kind (`ready`, `shutdown`), also one that already arrived. */
  notice(event, timeoutMs = 30000) {
    const seen = this.notices.find((n) => n.event === event)
    if (seen !== undefined) return Promise.resolve(seen)
    const arrived = new Promise((resolve) => this.noticeWaiters.push({ event, resolve }))
    const exitedFirst = this.exited.then(({ code }) => {
      const late = this.notices.find((n) => n.event === event)
      if (late !== undefined) return late
      throw new ScenarioFailure(`client ${this.name} exited (code ${code}) before its '${event}' notice`)
    })
    return withTimeout(Promise.race([arrived, exitedFirst]), timeoutMs, `client ${this.name}: notice '${event}'`)
  }

  request(op, params = {}, timeoutMs = 30000) {
    if (this.exitCode !== undefined) fail(`client ${this.name} has exited; cannot ${op}`)
    const id = this.nextId++
    const reply = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }))
    this.child.stdin.write(`${JSON.stringify({ id, op, ...params })}\n`)
    return withTimeout(reply, timeoutMs, `client ${this.name}: ${op} ${JSON.stringify(params)}`)
  }

  /** Commits `count` TodoCreated events whose ids are `${prefix}-0000` ...; resolves with the ids. */
  async commit(count, prefix, noteBytes = 0) {
    const { ids } = await this.request('commit', { count, prefix, noteBytes })
    return ids
  }

  /** The client's `todos` table, ordered by id. */
  rows() {
    return this.request('rows')
  }

  /** Waits until the client's `todos` table has at least `count` rows; resolves with the rows. */
  waitRows(count, timeoutMs = 30000) {
    return this.request('waitRows', { count, timeoutMs }, timeoutMs + 5000)
  }

  /** Shuts the store down cleanly and waits for the process to end. */
  async shutdown() {
    await this.request('shutdown', {}, 20000)
    await withTimeout(this.exited, 10000, `client ${this.name}: exit after shutdown`)
  }

  kill() {
    if (this.exitCode === undefined) this.child.kill('SIGKILL')
  }
}

/** Parses the common arguments and runs `body(ctx)`; never returns (exits the process). */
export const runScenario = async (title, body) => {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      'store-id': { type: 'string' },
      transport: { type: 'string', default: 'ws' },
      'timeout-ms': { type: 'string', default: '90000' },
      control: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  })
  if (values.url === undefined || values['store-id'] === undefined) {
    process.stderr.write(`usage: node <scenario>.mjs --url http://127.0.0.1:8787 --store-id <unique id> `
      + `[--transport ws|http] [--timeout-ms 90000] [--control stdio] [--verbose]\n`)
    process.exit(64)
  }
  const transport = values.transport
  if (!['ws', 'http'].includes(transport)) {
    process.stderr.write(`--transport must be ws or http, got ${transport}\n`)
    process.exit(64)
  }
  const verbose = values.verbose
  const serverUrl = new URL(values.url)
  serverUrl.protocol = serverUrl.protocol === 'wss:' || serverUrl.protocol === 'https:' ? 'https:' : 'http:'
  const clients = []
  const proxies = []
  const tempDirs = []
  const started = Date.now()
  const progress = (message) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`)

  const stdinLines = values.control === 'stdio' ? createInterface({ input: process.stdin }) : undefined
  const controlReplies = []
  const controlWaiters = []
  stdinLines?.on('line', (line) => {
    const waiter = controlWaiters.shift()
    if (waiter !== undefined) waiter(line)
    else controlReplies.push(line)
  })

  /** A URL of the right scheme for the clients' transport, on the server or on a proxy port. */
  const clientUrl = (base) => {
    const url = new URL(base)
    url.protocol = transport === 'ws' ? 'ws:' : 'http:'
    return url.toString().replace(/\/$/, '')
  }

  const ctx = {
    title,
    transport,
    storeId: values['store-id'],
    serverUrl: serverUrl.toString().replace(/\/$/, ''),
    progress,
    /** Whether control() can be used (the scenario runs with --control stdio). */
    hasControl: stdinLines !== undefined,
    /** The URL clients use to reach the server directly. */
    url: clientUrl(serverUrl),
    /** Starts a LiveStore client process and waits until its store is up. */
    async startClient(name, { url = ctx.url, storage = 'in-memory', dataDir, onBackendIdMismatch = 'reset', clientId = name, syncPayload } = {}) {
      const args = ['--url', url, '--transport', transport, '--store-id', ctx.storeId, '--client-id', clientId,
        '--storage', storage, '--on-backend-id-mismatch', onBackendIdMismatch, '--poll-ms', '300']
      if (dataDir !== undefined) args.push('--data-dir', dataDir)
      if (syncPayload !== undefined) args.push('--sync-payload', JSON.stringify(syncPayload))
      const client = new ClientProcess({ name, args, verbose })
      clients.push(client)
      const ready = await client.notice('ready', 45000)
      progress(`client ${name} ready (${ready.rows} rows at boot, ${transport} via ${url})`)
      return client
    },
    /** A proxy in front of the server that the scenario can take offline, drop or hold back. */
    async startProxy(name = 'proxy') {
      const proxy = await startProxy({
        target: ctx.serverUrl,
        name,
        log: verbose ? (line) => process.stderr.write(`  ${line}\n`) : () => {},
      })
      proxies.push({ name, proxy })
      proxy.url = clientUrl(`http://127.0.0.1:${proxy.port}`)
      return proxy
    },
    /** A fresh directory for a client's file storage, removed at the end. */
    tempDir(name) {
      const dir = mkdtempSync(join(tmpdir(), `eventsync-interop-${name}-`))
      tempDirs.push(dir)
      return dir
    },
    /**
     * Asks the process that started this scenario (the JUnit test) for a server-side action, e.g.
     * `{op: 'resetStore'}`. Needs `--control stdio`.
     */
    async control(op, params = {}) {
      if (stdinLines === undefined) {
        fail(`this scenario needs a server-side '${op}'; run it with --control stdio from a harness that answers `
          + `'${CONTROL_PREFIX.trim()}' lines (LiveStoreInteropTest does)`)
      }
      process.stdout.write(`${CONTROL_PREFIX}${JSON.stringify({ op, storeId: ctx.storeId, ...params })}\n`)
      const line = controlReplies.shift() ?? await withTimeout(new Promise((resolve) => controlWaiters.push(resolve)),
        30000, `control reply to ${op}`)
      const reply = JSON.parse(line)
      if (!reply.ok) fail(`control ${op} failed: ${reply.error}`)
      return reply
    },
    /**
     * Waits until the server holds at least `head` events of this store: through the Eventsync per-store head
     * gauge on GET /metrics when the server is an Eventsync one (start it with `--metrics-per-store`: the gauge
     * is off by default), else through a fresh observer client (started with `observerOptions`, see
     * startClient) that pulls the whole log.
     */
    async waitServerHead(head, timeoutMs = 30000, observerOptions = {}) {
      const deadline = Date.now() + timeoutMs
      if ((await ctx.metrics())?.includes('eventsync_') === true) {
        for (;;) {
          const text = await ctx.metrics()
          const current = metricSum(text, 'eventsync_store_head', { store: ctx.storeId }) ?? 0
          if (current >= head) return
          if (Date.now() > deadline) {
            const hint = text?.includes('eventsync_store_head{') ? '' : ' (no per-store head gauge: start the server with --metrics-per-store)'
            fail(`the server's head for ${ctx.storeId} is ${current} after ${timeoutMs} ms, expected ${head}${hint}`)
          }
          await sleep(100)
        }
      }
      const observer = await ctx.startClient(`observer-${head}`, observerOptions)
      await observer.waitRows(head, Math.max(1000, deadline - Date.now()))
      await observer.shutdown()
    },
    /** Fetches the server's Prometheus text (GET /metrics), or undefined if it has none. */
    async metrics() {
      try {
        const response = await fetch(`${ctx.serverUrl}/metrics`)
        return response.ok ? await response.text() : undefined
      } catch {
        return undefined
      }
    },
  }

  const report = (error) => {
    process.stdout.write(`\nFAIL ${title} (${transport}, store ${ctx.storeId}): ${error.message}\n`)
    if (!(error instanceof ScenarioFailure)) process.stdout.write(`${error.stack}\n`)
    for (const client of clients) {
      process.stdout.write(`--- client ${client.name} log (last 60 lines) ---\n${client.logs.slice(-60).join('\n')}\n`)
    }
    for (const { name, proxy } of proxies) {
      const tail = proxy.frames.slice(-80).map((f) => `${f.t}ms ${f.dir} ${f.text.length > 600 ? `${f.text.slice(0, 600)}…` : f.text}`)
      process.stdout.write(`--- ${name} frames (last 80) ---\n${tail.join('\n')}\n`)
    }
  }

  let code = 0
  try {
    await withTimeout(body(ctx), Number(values['timeout-ms']), `scenario '${title}'`)
    process.stdout.write(`PASS ${title} (${transport}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
  } catch (error) {
    report(error)
    code = 1
  }
  for (const client of clients) client.kill()
  await Promise.all(clients.map((c) => withTimeout(c.exited, 5000, 'client exit').catch(() => {})))
  for (const { proxy } of proxies) await proxy.close().catch(() => {})
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  stdinLines?.close()
  process.exit(code)
}

/** Fails unless every client's rows are exactly `expectedIds` (same ids, no duplicates, nothing else). */
export const assertTable = (name, rows, expectedIds) => {
  const ids = rows.map((r) => r.id)
  const expected = [...expectedIds].sort()
  const missing = expected.filter((id) => !ids.includes(id))
  const unexpected = ids.filter((id) => !expected.includes(id))
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i)
  if (missing.length + unexpected.length + duplicates.length > 0 || ids.length !== expected.length) {
    fail(`client ${name}: table todos has ${ids.length} rows, expected ${expected.length}; `
      + `missing ${JSON.stringify(missing.slice(0, 10))}${missing.length > 10 ? ` (+${missing.length - 10})` : ''}, `
      + `unexpected ${JSON.stringify(unexpected.slice(0, 10))}, duplicates ${JSON.stringify(duplicates.slice(0, 10))}`)
  }
}

/** Fails unless two clients' tables are identical row by row. */
export const assertSameRows = (nameA, rowsA, nameB, rowsB) => {
  const a = JSON.stringify(rowsA)
  const b = JSON.stringify(rowsB)
  if (a !== b) {
    fail(`clients ${nameA} and ${nameB} did not converge: ${nameA} has ${rowsA.length} rows, ${nameB} has ${rowsB.length}`)
  }
}

/** Waits until every client has the expected rows, then checks them exactly and against each other. */
export const assertConverged = async (clients, expectedIds, timeoutMs = 30000) => {
  const tables = await Promise.all(clients.map((c) => c.waitRows(expectedIds.length, timeoutMs)))
  clients.forEach((c, i) => assertTable(c.name, tables[i], expectedIds))
  for (let i = 1; i < clients.length; i++) assertSameRows(clients[0].name, tables[0], clients[i].name, tables[i])
  return tables[0]
}

/** Polls `probe` every 50 ms until it returns a value other than undefined/false; fails after `timeoutMs`. */
export const waitFor = async (what, probe, timeoutMs = 20000) => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) fail(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(50)
  }
}

/** Fails with a usage message unless the scenario runs on one of `transports`. */
export const requireTransport = (ctx, transports, why) => {
  if (!transports.includes(ctx.transport)) fail(`this scenario runs on ${transports.join('/')} only (${why})`)
}

/** Sums a Prometheus counter's samples whose labels contain every given `key="value"` pair. */
export const metricSum = (text, metric, labels = {}) => {
  if (text === undefined) return undefined
  let sum = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric)) continue
    const match = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/)
    if (match === null || match[1] !== metric) continue
    const labelText = match[2] ?? ''
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) sum += Number(match[3])
  }
  return sum
}
