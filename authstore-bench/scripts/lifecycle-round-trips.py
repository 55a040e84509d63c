"""Ticket lifecycle round trips from one client, against one redis-server (from the PATH).

Usage: lifecycle-round-trips.py [port]

Three rounds of 5,000 lifecycles each, sequential on one connection: the floor (SET PX, then
GETDEL) and authstore's scripts (EVALSHA issue, then EVALSHA consume, each ticket on one subject),
with the wall time per lifecycle as this Python client sees it and the time per call inside
Redis (INFO commandstats usec_per_call). The client's own cost is in both walls.
"""
import socket, subprocess, sys, time, re, os
PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 16398
p=subprocess.Popen(['redis-server','--port',str(PORT),'--save','','--appendonly','no','--bind','127.0.0.1'],stdout=subprocess.DEVNULL)
time.sleep(0.5)
s=socket.create_connection(('127.0.0.1',PORT)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1); f=s.makefile('rb')
def enc(*a):
    out=b'*%d\r\n'%len(a)
    for x in a:
        x=x if isinstance(x,bytes) else str(x).encode()
        out+=b'$%d\r\n%s\r\n'%(len(x),x)
    return out
def read():
    l=f.readline(); t=l[:1]
    if t in b'+-:': return l[1:-2]
    if t==b'$':
        n=int(l[1:-2])
        if n<0: return None
        return f.read(n+2)[:-2]
    if t==b'*':
        n=int(l[1:-2]); return [read() for _ in range(max(n,0))]
def cmd(*a):
    s.sendall(enc(*a)); return read()
R=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'authstore-redis', 'src', 'main', 'resources', 'io', 'authstore', 'redis') + os.sep
issue=cmd('SCRIPT','LOAD',open(R+'ticket-issue.lua').read())
consume=cmd('SCRIPT','LOAD',open(R+'ticket-consume.lua').read())
P='authstore:{tickets}:'
def stat():
    info=cmd('INFO','commandstats').decode()
    return {m.group(1):(int(m.group(2)),float(m.group(3))) for m in re.finditer(r'cmdstat_(\w+):calls=(\d+),usec=\d+,usec_per_call=([\d.]+)',info)}
N=5000
for rnd in range(3):
    cmd('CONFIG','RESETSTAT')
    t=time.perf_counter()
    for i in range(N):
        cmd('SET','floor:%d'%i,'alice,1,2','PX',60000); cmd('GETDEL','floor:%d'%i)
    floor=(time.perf_counter()-t)/N*1e6
    st=stat()
    cmd('CONFIG','RESETSTAT')
    t=time.perf_counter()
    for i in range(N):
        now=int(time.time()*1000); d='d%d-%d'%(rnd,i)
        cmd('EVALSHA',issue,5,P+'ticket:'+d,P+'active',P+'used',P+'subject:alice',P+'totals',now,now+60000,1000,100,d,';','alice')
        cmd('EVALSHA',consume,4,P+'ticket:'+d,P+'active',P+'used',P+'totals',now,d,P+'subject:')
    scripts=(time.perf_counter()-t)/N*1e6
    st2=stat()
    print('round %d: floor %.1f us/lifecycle (SET %.2f, GETDEL %.2f us in Redis); scripts %.1f us/lifecycle (EVALSHA %.2f us in Redis, x2)'%(rnd,floor,st['set'][1],st['getdel'][1],scripts,st2['evalsha'][1]))
p.terminate(); p.wait()
