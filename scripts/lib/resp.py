"""A minimal RESP2 client (standard library only), shared by gears/tests and
scripts/rehearse-stack.sh: commands as one ACL user, replies as Python values, error replies
as RespError."""

import socket



class RespError(Exception):
    pass


class Client:
    """A minimal RESP2 client: enough to issue commands as one ACL user and read replies."""

    def __init__(self, port, user, password, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.reader = self.sock.makefile('rb')
        try:
            self.call('AUTH', user, password)
        except Exception:
            self.close()
            raise

    def close(self):
        self.reader.close()
        self.sock.close()

    def call(self, *args):
        parts = [b'*%d\r\n' % len(args)]
        for arg in args:
            data = arg if isinstance(arg, bytes) else str(arg).encode()
            parts.append(b'$%d\r\n%s\r\n' % (len(data), data))
        self.sock.sendall(b''.join(parts))
        reply = self._read()
        if isinstance(reply, RespError):
            raise reply
        return reply

    def _read(self):
        line = self.reader.readline()
        if not line:
            raise ConnectionError('connection closed by Redis')
        kind, rest = line[:1], line[1:-2]
        if kind == b'+':
            return rest.decode()
        if kind == b'-':
            return RespError(rest.decode())
        if kind == b':':
            return int(rest)
        if kind == b'$':
            size = int(rest)
            if size < 0:
                return None
            data = self.reader.read(size + 2)[:-2]
            return data.decode('utf-8', 'replace')
        if kind == b'*':
            size = int(rest)
            if size < 0:
                return None
            return [self._read() for _ in range(size)]
        raise ConnectionError('unexpected reply %r' % line)
