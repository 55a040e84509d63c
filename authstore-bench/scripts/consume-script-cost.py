"""Redis-side cost of two versions of the ticket consume script, in one redis-server.

Usage: consume-script-cost.py A.lua B.lua [port]

Starts redis-server (from the PATH) on a loopback port (default 16399), loads the issue script
and both consume scripts, and in three rounds per script: issues 1,000 tickets (10 per subject,
expiries rising with the issue order), resets INFO commandstats, consumes all 1,000, and reads
the usec_per_call of EVALSHA (Redis's own time inside the call, no network), 20 times. Scenario
'ascending' consumes the oldest first (never a set's longest-lived member), 'descending' the
newest first (always it). Prints the mean per round, in microseconds per consume.
"""
import os, socket, subprocess, time, sys, re
A, B = sys.argv[1], sys.argv[2]
PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 16399
ISSUE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'authstore-redis', 'src', 'main', 'resources', 'io', 'authstore', 'redis', 'ticket-issue.lua')
p=subprocess.Popen(['redis-server','--port',str(PORT),'--save','','--appendonly','no','--bind','127.0.0.1'],stdout=subprocess.DEVNULL)
time.sleep(0.5)
s=socket.create_connection(('127.0.0.1',PORT)); f=s.makefile('rb')
def enc(*a):
    out=b'*%d\r\n'%len(a)
    for x in a:
        x=x if isinstance(x,bytes) else str(x).encode()
        out+=b'$%d\r\n%s\r\n'%(len(x),x)
    return out
def read():
    l=f.readline()
    t=l[:1]
    if t in b'+-:': return l[1:-2]
    if t==b'$':
        n=int(l[1:-2]); 
        if n<0: return None
        d=f.read(n+2); return d[:-2]
    if t==b'*':
        n=int(l[1:-2]); return [read() for _ in range(max(n,0))]
def cmd(*a):
    s.sendall(enc(*a)); return read()
def pipe(cmds):
    s.sendall(b''.join(enc(*c) for c in cmds))
    return [read() for _ in cmds]
issue=cmd('SCRIPT','LOAD',open(ISSUE).read())
old=cmd('SCRIPT','LOAD',open(A).read())
new=cmd('SCRIPT','LOAD',open(B).read())
P='authstore:{tickets}:'
def iss(i,subj,now):
    return ('EVALSHA',issue,5,P+'ticket:d%d'%i,P+'active',P+'used',P+'subject:'+subj,P+'totals',now,now+60000+i,10**9,10**9,'d%d'%i,';',subj)
def con(sha,i,now):
    return ('EVALSHA',sha,4,P+'ticket:d%d'%i,P+'active',P+'used',P+'totals',now,'d%d'%i,P+'subject:')
def stat():
    info=cmd('INFO','commandstats').decode()
    m=re.search(r'cmdstat_evalsha:calls=(\d+),usec=(\d+),usec_per_call=([\d.]+)',info)
    return float(m.group(3))
base=0
res={}
for rnd in range(3):
  for name,sha in ((os.path.basename(A),old),(os.path.basename(B),new)):
    for scen in ('ascending','descending'):
        now=int(time.time()*1000)
        N=20000
        r_tot=0.0
        for b in range(0,N,1000):
            ids=list(range(base+b,base+b+1000))
            pipe([iss(i,'s%d'%(i%100),now) for i in ids])
            cmd('CONFIG','RESETSTAT')
            pipe([con(sha,i,now) for i in (ids if scen=='ascending' else ids[::-1])])
            r_tot+=stat()
        r=r_tot/(N/1000)
        base+=N
        res.setdefault((name,scen),[]).append(r)
        cmd('FLUSHALL')
p.terminate()
p.wait()
for k,v in sorted(res.items()):
    print(k, ' '.join('%.2f'%x for x in v), 'usec per consume (Redis-side)')
