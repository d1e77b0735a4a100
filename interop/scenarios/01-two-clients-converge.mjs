// Scenario 1: two LiveStore clients, each in its own process, commit concurrently and converge.
// A commits, B commits at the same time, then each commits again after seeing the other's events;
// both must end with exactly the same rows: every event of both, once.
import { assertConverged, runScenario } from '../lib/harness.mjs'

await runScenario('two clients converge', async ({ startClient, progress }) => {
  const [a, b] = await Promise.all([startClient('A'), startClient('B')])

  const [aFirst, bFirst] = await Promise.all([a.commit(5, 'a1'), b.commit(5, 'b1')])
  progress('A and B each committed 5 events concurrently')
  await assertConverged([a, b], [...aFirst, ...bFirst])
  progress('both have all 10 rows')

  const aSecond = await a.commit(3, 'a2')
  const bSecond = await b.commit(4, 'b2')
  const rows = await assertConverged([a, b], [...aFirst, ...bFirst, ...aSecond, ...bSecond])
  progress(`converged on ${rows.length} identical rows`)

  await Promise.all([a.shutdown(), b.shutdown()])
})
