"""A private redis-server (from the PATH) and a minimal RESP client, for the measurement scripts.

Not a Redis library: just enough of the protocol to send commands, pipelines, and read
INFO commandstats, with no dependency beyond the Python standard library.
"""
import os
import re
import socket
import subprocess
import time

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'authstore-redis',
                       'src', 'main', 'resources', 'io', 'authstore', 'redis')
TICKETS = 'authstore:{tickets}:'


def script(name):
    """The text of one of authstore's Lua scripts, e.g. 'ticket-issue'."""
    with open(os.path.join(SCRIPTS, name + '.lua')) as f:
        return f.read()


class ScratchRedis:
    """A redis-server on a loopback port, without persistence, and one connection to it."""

    def __init__(self, port):
        self.process = subprocess.Popen(
            ['redis-server', '--port', str(port), '--save', '', '--appendonly', 'no',
             '--bind', '127.0.0.1'], stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        self.socket = socket.create_connection(('127.0.0.1', port))
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.socket.makefile('rb')

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait()

    @staticmethod
    def _encode(*args):
        out = b'*%d\r\n' % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b'$%d\r\n%s\r\n' % (len(a), a)
        return out

    def _read(self):
        line = self.reader.readline()
        kind = line[:1]
        if kind in b'+-:':
            return line[1:-2]
        if kind == b'$':
            n = int(line[1:-2])
            return None if n < 0 else self.reader.read(n + 2)[:-2]
        if kind == b'*':
            return [self._read() for _ in range(max(int(line[1:-2]), 0))]
        raise IOError('unexpected reply: %r' % line)

    def cmd(self, *args):
        """One command, one round trip."""
        self.socket.sendall(self._encode(*args))
        return self._read()

    def pipe(self, commands):
        """Several commands sent at once; their replies in order."""
        self.socket.sendall(b''.join(self._encode(*c) for c in commands))
        return [self._read() for _ in commands]

    def usec_per_call(self):
        """INFO commandstats: microseconds per call inside Redis, by command name."""
        info = self.cmd('INFO', 'commandstats').decode()
        return {m.group(1): float(m.group(2)) for m in re.finditer(
            r'cmdstat_(\w+):calls=\d+,usec=\d+,usec_per_call=([\d.]+)', info)}
