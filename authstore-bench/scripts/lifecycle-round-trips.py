"""Ticket lifecycle round trips from one client, against one redis-server (from the PATH).

Usage: lifecycle-round-trips.py [port]

Three rounds of 5,000 lifecycles each, sequential on one connection: the floor (SET PX, then
GETDEL) and authstore's scripts (EVALSHA issue, then EVALSHA consume, each ticket on one subject),
with the wall time per lifecycle as this Python client sees it and the time per call inside
Redis (INFO commandstats usec_per_call). The client's own cost is in both walls.
"""

import sys
import time

from scratch_redis import TICKETS as P, ScratchRedis, script

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 16398
N = 5000
with ScratchRedis(PORT) as r:
    issue = r.cmd('SCRIPT', 'LOAD', script('ticket-issue'))
    consume = r.cmd('SCRIPT', 'LOAD', script('ticket-consume'))
    for rnd in range(3):
        r.cmd('CONFIG', 'RESETSTAT')
        t = time.perf_counter()
        for i in range(N):
            r.cmd('SET', 'floor:%d' % i, 'alice,1,2', 'PX', 60000)
            r.cmd('GETDEL', 'floor:%d' % i)
        floor = (time.perf_counter() - t) / N * 1e6
        st = r.usec_per_call()
        r.cmd('CONFIG', 'RESETSTAT')
        t = time.perf_counter()
        for i in range(N):
            now = int(time.time() * 1000)
            d = 'd%d-%d' % (rnd, i)
            r.cmd('EVALSHA', issue, 5, P + 'ticket:' + d, P + 'active', P + 'used', P + 'subject:alice',
                  P + 'totals', now, now + 60000, 1000, 100, d, ';', 'alice')
            r.cmd('EVALSHA', consume, 4, P + 'ticket:' + d, P + 'active', P + 'used', P + 'totals', now,
                  d, P + 'subject:', '%016x' % i)
        scripts = (time.perf_counter() - t) / N * 1e6
        st2 = r.usec_per_call()
        print('round %d: floor %.1f us/lifecycle (SET %.2f, GETDEL %.2f us in Redis); scripts %.1f'
              ' us/lifecycle (EVALSHA %.2f us in Redis, x2)'
              % (rnd, floor, st['set'], st['getdel'], scripts, st2['evalsha']))
