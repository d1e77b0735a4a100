// Scenario 3: more than 100 events page correctly.
// A commits 250 events. A fresh client B (through a recording proxy) then pulls the whole log: its table must
// hold all 250 rows exactly once, and the pull must have arrived as pages of at most 100 events whose
// pageInfo counts down (MoreKnown with the exact remainder, NoMore on the last page).
import { assertConverged, check, runScenario } from '../lib/harness.mjs'

const EVENTS = 250

/** The pull pages B received, from the proxy's record of server-to-client messages. */
const pullPages = (frames, transport) => {
  const pages = []
  for (const frame of frames) {
    let messages
    if (transport === 'ws' && frame.dir === 'down') messages = [JSON.parse(frame.text)]
    else if (transport === 'http' && frame.dir === 'http-down') {
      const body = frame.text.slice(frame.text.indexOf(' ') + 1)
      messages = body.startsWith('[') ? JSON.parse(body) : []
    } else continue
    for (const m of messages) {
      if (m._tag === 'Chunk') pages.push(...m.values.filter((v) => Array.isArray(v.batch)))
    }
  }
  return pages
}

await runScenario('more than 100 events page correctly', async ({ startClient, startProxy, progress, transport, waitServerHead }) => {
  const a = await startClient('A')
  const ids = await a.commit(EVENTS, 'a', 200)
  await waitServerHead(EVENTS)
  progress(`A committed ${EVENTS} events; the server has them all`)

  const proxy = await startProxy('B-proxy')
  const b = await startClient('B', { url: proxy.url })
  await assertConverged([a, b], ids, 60000)
  progress(`A and B both have all ${EVENTS} rows`)

  const pages = pullPages(proxy.frames, transport).filter((p) => p.batch.length > 0)
  const sizes = pages.map((p) => p.batch.length)
  progress(`B received pages of ${JSON.stringify(sizes)}`)
  check(pages.length >= 3, `expected the ${EVENTS} events in at least 3 pages, got ${pages.length}: ${JSON.stringify(sizes)}`)
  check(sizes.every((n) => n <= 100), `a page held more than 100 events: ${JSON.stringify(sizes)}`)
  const seqNums = pages.flatMap((p) => p.batch.map((e) => e.eventEncoded.seqNum))
  check(seqNums.every((n, i) => i === 0 || n > seqNums[i - 1]), 'pages did not arrive in ascending seqNum order')
  // the backlog pages (the first ones) count down exactly
  let remaining = EVENTS
  for (const page of pages) {
    if (remaining <= 0) break
    remaining -= page.batch.length
    const expected = remaining > 0 ? `MoreKnown(${remaining})` : 'NoMore'
    const actual = page.pageInfo._tag === 'MoreKnown' ? `MoreKnown(${page.pageInfo.remaining})` : page.pageInfo._tag
    check(actual === expected, `page ending at seqNum ${page.batch.at(-1).eventEncoded.seqNum}: pageInfo ${actual}, expected ${expected}`)
  }

  await Promise.all([a.shutdown(), b.shutdown()])
})
