// Replays, with raw sync-cf WebSocket frames and no LiveStore or Eventsync client in between, the minimal histories
// in which LiveStore's own server (@livestore/sync-cf 0.4.0) does not keep a promise of the kit's eventsync profile,
// so that each deviation is shown to be the server's. Prints every frame sent (>>) and received (<<).
//
//   node interop/reference-server/replay-deviations.mjs --url ws://127.0.0.1:8799 [--auth-token T]
import { WebSocket } from 'ws'

const args = process.argv.slice(2)
const url = args[args.indexOf('--url') + 1] ?? 'ws://127.0.0.1:8799'
// a server started with AUTH_TOKEN (worker.mjs) needs it in every request's sync payload
const authToken = args.includes('--auth-token') ? args[args.indexOf('--auth-token') + 1] : undefined
const auth = authToken === undefined ? '' : `&payload=${encodeURIComponent(JSON.stringify({ authToken }))}`
const run = Math.random().toString(36).slice(2, 10)

const connect = (storeId) =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/\/$/, '')}/?storeId=${storeId}&transport=ws${auth}`)
    const frames = []
    const waiters = []
    ws.on('message', (data) => {
      const text = data.toString()
      console.log(`  << ${text.length > 400 ? text.slice(0, 400) + '…' : text}`)
      const msg = JSON.parse(text)
      if (msg._tag === 'Chunk') ws.send(JSON.stringify({ _tag: 'Ack', requestId: msg.requestId }))
      frames.push(msg)
      waiters.splice(0).forEach((w) => w())
    })
    ws.on('open', () => resolve({ ws, frames, waiters }))
    ws.on('error', reject)
  })

let nextId = 0
const send = (conn, tag, payload) => {
  const id = String(nextId++)
  const text = JSON.stringify({ _tag: 'Request', id, tag, payload, headers: [] })
  console.log(`  >> ${text.length > 400 ? text.slice(0, 400) + '…' : text}`)
  conn.ws.send(text)
  return id
}

const exitOf = (conn, id) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no Exit for request ${id}`)), 20_000)
    const check = () => {
      const exit = conn.frames.find((f) => f._tag === 'Exit' && f.requestId === id)
      if (exit) {
        clearTimeout(timer)
        resolve(exit)
      } else conn.waiters.push(check)
    }
    check()
  })

const event = (seqNum, parentSeqNum, args = { n: seqNum }) => ({
  name: 'replay-v1', args, seqNum, parentSeqNum, clientId: 'replay', sessionId: 'replay-s',
})
const push = async (conn, storeId, batch) => exitOf(conn, send(conn, 'SyncWsRpc.Push', { storeId, batch, backendId: { _tag: 'None' } }))
const pull = async (conn, storeId, cursor) => {
  const id = send(conn, 'SyncWsRpc.Pull', { storeId, live: false, cursor })
  await exitOf(conn, id)
  return conn.frames.filter((f) => f._tag === 'Chunk' && f.requestId === id).flatMap((f) => f.values)
}
const outcome = (exit) => (exit.exit._tag === 'Success' ? 'acked' : `refused: ${JSON.stringify(exit.exit.cause?.error ?? exit.exit.cause)}`)

const cases = [
  ['P-PUSH-03: a batch that is not chained (seqNum 3 on parent 2 after seqNum 1) is accepted', async (conn, s) => {
    console.log(`  => push ${outcome(await push(conn, s, [event(1, 0), event(3, 2)]))}`)
    const pages = await pull(conn, s, { _tag: 'None' })
    console.log(`  => the log holds ${JSON.stringify(pages.flatMap((p) => p.batch.map((e) => [e.eventEncoded.seqNum, e.eventEncoded.parentSeqNum])))} ([seqNum, parent])`)
  }],
  ['P-PUSH-05: retrying the batch that was just acked gets ServerAheadError', async (conn, s) => {
    const batch = [event(1, 0), event(2, 1)]
    console.log(`  => first push ${outcome(await push(conn, s, batch))}`)
    console.log(`  => the same push again ${outcome(await push(conn, s, batch))}`)
  }],
  ['P-LIMIT-01: a push of 101 events is accepted (no server-side limit)', async (conn, s) => {
    const batch = Array.from({ length: 101 }, (_, i) => event(i + 1, i))
    console.log(`  => push of 101 events ${outcome(await push(conn, s, batch))}`)
  }],
  ['P-CURSOR-01/02: a cursor beyond the head gets an empty NoMore page, not an error', async (conn, s) => {
    const first = await pull(conn, s, { _tag: 'None' })
    const backendId = first[0].backendId
    const empty = await pull(conn, s, { _tag: 'Some', value: { backendId, eventSequenceNumber: 1 } })
    console.log(`  => empty store, cursor 1: ${JSON.stringify(empty.map((p) => ({ events: p.batch.length, pageInfo: p.pageInfo })))}`)
    await push(conn, s, [event(1, 0), event(2, 1)])
    const beyond = await pull(conn, s, { _tag: 'Some', value: { backendId, eventSequenceNumber: 1000 } })
    console.log(`  => head 2, cursor 1000: ${JSON.stringify(beyond.map((p) => ({ events: p.batch.length, pageInfo: p.pageInfo })))}`)
  }],
  ['P-FIELD-02: args are parsed and re-encoded (whitespace, 1.0, 1e3 and big numbers change)', async (conn, s) => {
    const text = '{ "a" : 1.0, "b" : 1e3, "big" : 12345678901234567890123 }'
    const frame = JSON.stringify({ _tag: 'Request', id: String(nextId++), tag: 'SyncWsRpc.Push',
      payload: { storeId: s, batch: [{ ...event(1, 0), args: '__ARGS__' }], backendId: { _tag: 'None' } }, headers: [] })
      .replace('"__ARGS__"', text)
    console.log(`  >> ${frame}`)
    conn.ws.send(frame)
    await exitOf(conn, JSON.parse(frame.replace(text, 'null')).id)
    const pages = await pull(conn, s, { _tag: 'None' })
    const raw = conn.frames.filter((f) => f._tag === 'Chunk').at(-1)
    console.log(`  => sent args ${text}; the page carries ${JSON.stringify(pages[0].batch[0].eventEncoded.args)}`)
    void raw
  }],
  ['P-FIELD-02: absent args come back as null', async (conn, s) => {
    const { args, ...withoutArgs } = event(1, 0)
    void args
    console.log(`  => push ${outcome(await push(conn, s, [withoutArgs]))}`)
    const pages = await pull(conn, s, { _tag: 'None' })
    console.log(`  => sent an event without args; the page carries ${JSON.stringify(pages[0].batch[0].eventEncoded)}`)
  }],
  ['P-LIVE-03: the push is acked before its batch reaches the live pull on the same socket (frame order)', async (conn, s) => {
    const live = send(conn, 'SyncWsRpc.Pull', { storeId: s, live: true, cursor: { _tag: 'None' } })
    await new Promise((r) => setTimeout(r, 300))
    const before = conn.frames.length
    const id = send(conn, 'SyncWsRpc.Push', { storeId: s, batch: [event(1, 0)], backendId: { _tag: 'None' } })
    await exitOf(conn, id)
    await new Promise((r) => setTimeout(r, 500))
    const order = conn.frames.slice(before).map((f) => (f._tag === 'Exit' ? `Exit(push ${f.requestId})` : `${f._tag}(pull ${f.requestId}, ${f.values?.[0]?.batch?.length ?? 0} events)`))
    console.log(`  => frames after the push, in order: ${order.join(', ')} (live pull is request ${live})`)
  }],
]

// sync-cf's HTTP transport: one POST per RPC to /?storeId=…&transport=http, the body an Effect RPC request
const httpUrl = url.replace(/^ws/, 'http').replace(/\/$/, '')
const httpCall = async (storeId, tag, payload) => {
  const text = JSON.stringify({ _tag: 'Request', id: String(nextId++), tag, payload, headers: [] })
  console.log(`  >> POST ${text.length > 400 ? text.slice(0, 400) + '…' : text}`)
  const response = await fetch(`${httpUrl}/?storeId=${storeId}&transport=http${auth}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-livestore-store-id': storeId }, body: text,
  })
  const answer = await response.text()
  console.log(`  << HTTP ${response.status} ${answer.length > 400 ? answer.slice(0, 400) + '…' : answer}`)
  return JSON.parse(answer)
}
const httpExit = (messages) => [messages].flat().find((m) => m._tag === 'Exit')
const httpPush = async (storeId, batch) =>
  httpExit(await httpCall(storeId, 'SyncHttpRpc.Push', { storeId, batch, backendId: { _tag: 'None' } }))
const httpLog = async (storeId) =>
  [await httpCall(storeId, 'SyncHttpRpc.Pull', { storeId, cursor: { _tag: 'None' } })].flat()
    .filter((m) => m._tag === 'Chunk' || m._tag === 'Exit')
    .flatMap((m) => m.values ?? (m.exit?.value ? [m.exit.value] : []))
    .flatMap((p) => p.batch ?? []).map((e) => [e.eventEncoded.seqNum, e.eventEncoded.parentSeqNum])

const httpCases = [
  ['P-HIST-01 over HTTP: two concurrent pushes on the same parent are both acked (the log forks)', async (s) => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const store = `${s}-${attempt}`
      const [a, b] = await Promise.all([httpPush(store, [event(2, 0), event(3, 2)]), httpPush(store, [event(1, 0)])])
      const log = await httpLog(store)
      console.log(`  => attempt ${attempt}: push [2,3] parent 0 ${outcome(a)}; push [1] parent 0 ${outcome(b)}; the log holds ${JSON.stringify(log)} ([seqNum, parent])`)
      if (a.exit._tag === 'Success' && b.exit._tag === 'Success') {
        console.log('  => both pushes on parent 0 were acked: the server accepted two batches for one head')
        return
      }
    }
    console.log('  => the race did not happen in 10 attempts')
  }],
]

for (const [title, body] of httpCases) {
  const storeId = `replay-${run}-http-${httpCases.findIndex((c) => c[0] === title)}`
  console.log(`\n${title}\n  stores ${storeId}-*`)
  try {
    await body(storeId)
  } catch (e) {
    console.log(`  !! ${e.message}`)
  }
}

for (const [title, body] of cases) {
  const storeId = `replay-${run}-${cases.findIndex((c) => c[0] === title)}`
  console.log(`\n${title}\n  store ${storeId}`)
  const conn = await connect(storeId)
  try {
    await body(conn, storeId)
  } catch (e) {
    console.log(`  !! ${e.message}`)
  } finally {
    conn.ws.close()
  }
}
process.exit(0)
