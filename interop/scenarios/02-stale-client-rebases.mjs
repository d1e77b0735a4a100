// Scenario 2: a stale client rebases after ServerAhead, and offline commits survive; nothing is lost.
//
// Phase 1 (ServerAhead): B reaches the server through a proxy that holds B's incoming messages back, so B
// does not see A's new events. A commits 3 events; B commits 3 on the old head and pushes them; the server must
// answer that push with ServerAheadError (seen on the wire). When the proxy releases the messages, B gets A's
// events on its live pull, rebases its own 3 on top and pushes them again. Both must converge on all rows.
//
// Phase 2 (offline): B goes offline (proxy refuses connections), commits 4 events while A commits 2 more; when
// B is back online it reconnects, pulls A's events, rebases and pushes. Again both converge, nothing lost.
import { assertConverged, check, requireTransport, runScenario, waitFor } from '../lib/harness.mjs'

await runScenario('a stale client rebases after ServerAhead', async (ctx) => {
  const { startClient, startProxy, progress, waitServerHead } = ctx
  requireTransport(ctx, ['ws'], 'it holds back live-pull messages on a WebSocket')
  const proxy = await startProxy('B-proxy')
  const [a, b] = await Promise.all([startClient('A'), startClient('B', { url: proxy.url })])

  const base = await a.commit(2, 'a1')
  await assertConverged([a, b], base)
  progress('A and B share 2 events')

  // Phase 1: B pushes on a head the server has moved past.
  proxy.holdDownstream(true)
  const aAhead = await a.commit(3, 'a2')
  await waitServerHead(5)
  progress('A moved the server to head 5; B does not know (its messages are held)')
  const upBefore = proxy.frames.length
  const bStale = await b.commit(3, 'b1')
  const rejection = await waitFor('the server to answer B\'s stale push', () => {
    const pushIds = proxy.frames.slice(upBefore)
      .filter((f) => f.dir === 'up' && f.text.includes('"SyncWsRpc.Push"'))
      .map((f) => JSON.parse(f.text))
      .filter((m) => m.payload.batch[0]?.parentSeqNum === 2)
      .map((m) => m.id)
    return proxy.heldMessages().map((t) => JSON.parse(t))
      .find((m) => m._tag === 'Exit' && pushIds.includes(m.requestId))
  })
  const error = rejection.exit?.cause?.error
  check(rejection.exit?._tag === 'Failure' && error?._tag === 'ServerAheadError',
    `the stale push was not rejected with ServerAheadError: ${JSON.stringify(rejection)}`)
  check(error.minimumExpectedNum === 5 && error.providedNum === 2,
    `ServerAheadError should say minimumExpectedNum 5, providedNum 2: ${JSON.stringify(error)}`)
  progress(`the server answered B's push on parent 2 with ${JSON.stringify(error)}`)
  proxy.holdDownstream(false)
  await assertConverged([a, b], [...base, ...aAhead, ...bStale])
  progress('B rebased its 3 events onto A\'s; both have the same 8 rows')

  // Phase 2: B commits while offline.
  proxy.setOnline(false)
  const bOffline = await b.commit(4, 'b2')
  const aMeanwhile = await a.commit(2, 'a3')
  await waitServerHead(10)
  progress('B committed 4 events offline while A moved the server to head 10')
  proxy.setOnline(true)
  await assertConverged([a, b], [...base, ...aAhead, ...bStale, ...bOffline, ...aMeanwhile], 40000)
  progress('B reconnected, rebased and pushed; both have the same 14 rows')

  await Promise.all([a.shutdown(), b.shutdown()])
})
