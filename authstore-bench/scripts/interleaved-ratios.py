"""Per-lifecycle times and ratios from a RedisTicketBenchmark.interleaved JMH JSON result.

Usage: interleaved-ratios.py RESULT.json

The benchmark runs one lifecycle of each of seven implementations per invocation and reports the
time of one lifecycle on average (the score, @OperationsPerInvocation(7)) and, as secondary
metrics, the nanoseconds each implementation took per iteration. An implementation's time per
lifecycle is the score x 7 x its share of the summed time; a ratio is of the sums over every
measured iteration, with the lowest and highest per-iteration ratio in brackets.
"""
import json
import sys

NAMES = [
    ('floorNanos', 'floor (`SET PX` + `GETDEL`)'),
    ('floorAsyncNanos', 'floor, async API'),
    ('floorInScriptsNanos', 'floor in scripts'),
    ('authstoreScriptsNanos', "authstore's scripts without the store"),
    ('authstoreNanos', 'authstore'),
    ('springSessionNanos', 'Spring Session plain'),
    ('springSessionIndexedNanos', 'Spring Session indexed'),
]
RATIOS = [
    ('authstoreNanos', 'floorNanos', 'authstore / floor'),
    ('authstoreNanos', 'authstoreScriptsNanos', "authstore / its scripts without the store"),
    ('authstoreScriptsNanos', 'floorAsyncNanos', "authstore's scripts / floor, async API"),
    ('floorInScriptsNanos', 'floorNanos', 'floor in scripts / floor'),
    ('springSessionNanos', 'authstoreNanos', 'Spring Session plain / authstore'),
    ('springSessionIndexedNanos', 'authstoreNanos', 'Spring Session indexed / authstore'),
]

result = json.load(open(sys.argv[1]))[0]
score = result['primaryMetric']['score']
threads = result['threads']
secondary = result['secondaryMetrics']
iterations = {k: [x for fork in secondary[k]['rawData'] for x in fork] for k, _ in NAMES}
sums = {k: sum(v) for k, v in iterations.items()}
total = sum(sums.values())
print('%s, %d thread(s), %d iterations; score %.1f us per lifecycle'
      % (sys.argv[1], threads, len(iterations['floorNanos']), score))
for key, name in NAMES:
    print('  %-40s %10.1f us' % (name, score * 7 * sums[key] / total))
for a, b, name in RATIOS:
    per = [x / y for x, y in zip(iterations[a], iterations[b])]
    print('  %-45s %.2fx (%.2f to %.2f)' % (name, sums[a] / sums[b], min(per), max(per)))
