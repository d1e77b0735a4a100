// Scenario 4: a client resumes from its cursor after a reconnect.
//
// Phase 1 (connection drop, WebSocket only): B's connection is cut (the proxy drops it without a close frame,
// like a network failure). B must reconnect on its own, resume its live pull from its cursor (seqNum 5, seen on
// the wire), and receive the events A commits afterwards; its own later commits must reach A.
// Phase 1b (WebSocket, run with --control stdio): the server's transport restarts, closing every socket with 1001.
// B must reconnect, pull from cursor 12 and receive A's next 2 events.
// Phase 2 (restart): B (file storage) shuts down; A commits 3 more; B restarts on the same directory. It must boot
// with its persisted rows (12, or 14 after phase 1b), pull from its persisted cursor (exactly that over WebSocket;
// up to 2 less over HTTP, see below), receive fewer bytes than the log, and end with all of A's rows.
import { assertConverged, assertTable, check, runScenario, waitFor } from '../lib/harness.mjs'

const NOTE_BYTES = 4096

/** The cursors of the Pull requests B sent after frame `from` (WebSocket messages or HTTP request bodies). */
const pullCursors = (frames, from) => frames.slice(from)
  .filter((f) => (f.dir === 'up' || f.dir === 'http-up') && /"Sync(Ws|Http)Rpc\.Pull"/.test(f.text))
  .map((f) => JSON.parse(f.dir === 'up' ? f.text : f.text.slice(f.text.indexOf('{'))).payload.cursor)

await runScenario('a client resumes from its cursor after a reconnect', async (ctx) => {
  const { startClient, startProxy, progress, tempDir, waitServerHead, control } = ctx
  const proxy = await startProxy('B-proxy')
  const dataDir = tempDir('B')
  const a = await startClient('A')
  let b = await startClient('B', { url: proxy.url, storage: 'fs', dataDir })

  const first = await a.commit(5, 'a1', NOTE_BYTES)
  await assertConverged([a, b], first)
  progress('A and B share 5 events')

  // Phase 1: drop the connection (WebSocket only: LiveStore 0.4.0's HTTP client never polls again after one
  // failed poll, it only keeps pinging, so over HTTP this phase runs without the drop).
  if (ctx.transport === 'ws') {
    const beforeDrop = proxy.frames.length
    proxy.dropConnections()
    const resumed = await waitFor('B to reconnect and pull again', () => pullCursors(proxy.frames, beforeDrop)[0], 30000)
    check(resumed._tag === 'Some' && resumed.value.eventSequenceNumber === 5,
      `after the reconnect B should pull from cursor 5, it sent ${JSON.stringify(resumed)}`)
    progress(`B reconnected and resumed its pull from ${JSON.stringify(resumed.value)}`)
  }
  const second = await a.commit(5, 'a2', NOTE_BYTES)
  await assertConverged([a, b], [...first, ...second])
  const fromB = await b.commit(2, 'b1', NOTE_BYTES)
  await assertConverged([a, b], [...first, ...second, ...fromB])
  progress('B got A\'s 5 new events live and A got B\'s 2')

  // Phase 1b (WebSocket, with a control channel): the server's transport restarts (sockets closed with 1001).
  let afterRestart = []
  if (ctx.transport === 'ws' && ctx.hasControl) {
    const framesBeforeRestart = proxy.frames.length
    const restarted = await control('restartServer')
    progress(`the server's transport restarted on port ${restarted.port}`)
    const cursor = await waitFor('B to reconnect after the server restart', () => pullCursors(proxy.frames, framesBeforeRestart)[0], 30000)
    check(cursor._tag === 'Some' && cursor.value.eventSequenceNumber === 12,
      `after the server restart B should pull from cursor 12, it sent ${JSON.stringify(cursor)}`)
    afterRestart = await a.commit(2, 'a4', NOTE_BYTES)
    await assertConverged([a, b], [...first, ...second, ...fromB, ...afterRestart])
    progress(`B resumed from ${JSON.stringify(cursor.value)} after the server restart and got A's 2 new events`)
  } else {
    progress(`server restart phase not run (${ctx.transport === 'ws' ? 'no --control stdio' : 'WebSocket only'})`)
  }

  // Phase 2: restart B on its persisted state.
  const beforeRestart = [...first, ...second, ...fromB, ...afterRestart]
  const persistedHead = beforeRestart.length
  await b.shutdown()
  const third = await a.commit(3, 'a3', NOTE_BYTES)
  await waitServerHead(persistedHead + 3)
  progress(`B shut down; A committed 3 more (server head ${persistedHead + 3})`)
  const framesBefore = proxy.frames.length
  const bytesBefore = proxy.downstreamBytes()
  b = await startClient('B2', { url: proxy.url, storage: 'fs', dataDir, clientId: 'B' })
  assertTable('B (right after restart)', await b.rows(), beforeRestart)
  const all = [...beforeRestart, ...third]
  await assertConverged([a, b], all)
  const cursor = pullCursors(proxy.frames, framesBefore)[0]
  // B's cursor is the last seqNum it saw upstream: its last row over WebSocket (its own pushes come back on the live
  // pull); over HTTP it may be lower when the last poll before the shutdown ran before B's last push was acknowledged.
  check(cursor?._tag === 'Some' && cursor.value.eventSequenceNumber >= persistedHead - (ctx.transport === 'ws' ? 0 : 2)
      && cursor.value.eventSequenceNumber <= persistedHead,
    `after the restart B should pull from its persisted cursor (${persistedHead}), it sent ${JSON.stringify(cursor)}`)
  const pulledBytes = proxy.downstreamBytes() - bytesBefore
  check(pulledBytes < 8 * NOTE_BYTES,
    `after the restart B received ${pulledBytes} bytes; resuming from ${persistedHead} needs about ${3 * NOTE_BYTES}, `
    + `the whole log ${all.length * NOTE_BYTES}`)
  progress(`B restarted with its ${persistedHead} rows, resumed from ${JSON.stringify(cursor.value)} `
    + `(${pulledBytes} bytes received) and has all ${all.length}`)

  await Promise.all([a.shutdown(), b.shutdown()])
})
