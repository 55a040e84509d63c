"""Redis-side cost of two versions of the ticket consume script, in one redis-server.

Usage: consume-script-cost.py A.lua B.lua [port]

Starts redis-server (from the PATH) on a loopback port (default 16399), loads the issue script
and both consume scripts, and in three rounds per script: issues 1,000 tickets (10 per subject,
expiries rising with the issue order), resets INFO commandstats, consumes all 1,000, and reads
the usec_per_call of EVALSHA (Redis's own time inside the call, no network), 20 times. Scenario
'ascending' consumes the oldest first (never a set's longest-lived member), 'descending' the
newest first (always it). Prints the mean per round, in microseconds per consume.
"""

import os
import sys
import time

from scratch_redis import TICKETS as P, ScratchRedis, script

A, B = sys.argv[1], sys.argv[2]
PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 16399


def iss(issue, i, subj, now):
    return ('EVALSHA', issue, 5, P + 'ticket:d%d' % i, P + 'active', P + 'used', P + 'subject:' + subj,
            P + 'totals', now, now + 60000 + i, 10**9, 10**9, 'd%d' % i, ';', subj)


def con(sha, i, now):
    return ('EVALSHA', sha, 4, P + 'ticket:d%d' % i, P + 'active', P + 'used', P + 'totals', now,
            'd%d' % i, P + 'subject:', '%016x' % i)


res = {}
with ScratchRedis(PORT) as r:
    issue = r.cmd('SCRIPT', 'LOAD', script('ticket-issue'))
    shas = [(os.path.basename(path), r.cmd('SCRIPT', 'LOAD', open(path).read())) for path in (A, B)]
    base = 0
    for rnd in range(3):
        for name, sha in shas:
            for scen in ('ascending', 'descending'):
                now = int(time.time() * 1000)
                N = 20000
                total = 0.0
                for b in range(0, N, 1000):
                    ids = list(range(base + b, base + b + 1000))
                    r.pipe([iss(issue, i, 's%d' % (i % 100), now) for i in ids])
                    r.cmd('CONFIG', 'RESETSTAT')
                    r.pipe([con(sha, i, now) for i in (ids if scen == 'ascending' else ids[::-1])])
                    total += r.usec_per_call()['evalsha']
                base += N
                res.setdefault((name, scen), []).append(total / (N / 1000))
                r.cmd('FLUSHALL')
for k, v in sorted(res.items()):
    print(k, ' '.join('%.2f' % x for x in v), 'usec per consume (Redis-side)')
