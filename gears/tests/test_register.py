"""Runs gears/register.sh (bash + the real redis-cli) against a small in-process fake of
Redis + RedisTimeSeries + RedisGears 1.2 speaking RESP, and checks what it sends.

Skipped when bash or redis-cli is not installed.
Run from the repository root:  python3 -m unittest discover -s gears/tests -v
"""

import os
import shutil
import socketserver
import subprocess
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REGISTRAR = os.path.join(os.path.dirname(HERE), 'register.sh')
PASSWORD = 'test-only-password'
DESCRIPTION = 'popupstore-timeseries'
LOCK_KEY = 'popupstore:gears:lock'


class Nil:
    pass


class Error(str):
    pass


class Status(str):
    pass


def encode(value):
    if value is None or value is Nil:
        return b'$-1\r\n'
    if isinstance(value, Error):
        return b'-' + value.encode() + b'\r\n'
    if isinstance(value, Status):
        return b'+' + value.encode() + b'\r\n'
    if isinstance(value, bool):
        return b':%d\r\n' % int(value)
    if isinstance(value, int):
        return b':%d\r\n' % value
    if isinstance(value, (list, tuple)):
        return b'*%d\r\n' % len(value) + b''.join(encode(v) for v in value)
    data = value.encode() if isinstance(value, str) else value
    return b'$%d\r\n' % len(data) + data + b'\r\n'


class FakeGearsRedis:
    def __init__(self, supports_id=True):
        self.supports_id = supports_id
        self.lock = threading.Lock()
        self.strings = {}          # key -> (value, expires_at or None)
        self.series = {}           # key -> args
        self.registrations = []    # descriptions
        self.commands = []         # (user, args)

    def handle(self, user, args):
        name = args[0].upper()
        with self.lock:
            self.commands.append((user, args))
            if name == 'PING':
                return Status('PONG')
            if name == 'SET':
                return self._set(args)
            if name == 'EVAL':
                key, token = args[3], args[4]
                if self._get(key) == token:
                    del self.strings[key]
                    return 1
                return 0
            if name == 'TS.CREATE':
                if args[1] in self.series or args[1] in self.strings:
                    return Error('ERR TSDB: key already exists')
                self.series[args[1]] = args[2:]
                return Status('OK')
            if name == 'RG.DUMPREGISTRATIONS':
                return [['id', '0000000000000000000000000000000000000000-%d' % (i + 1),
                         'reader', 'StreamReader', 'desc', desc,
                         'RegistrationData', ['mode', 'async', 'numTriggered', 0, 'lastError', Nil,
                                              'args', ['batchSize', 10000, 'durationMS', 5000,
                                                       'stream', 'queue:*']],
                         'PD', "{'sessionId':'x'}"]
                        for i, desc in enumerate(self.registrations)]
            if name == 'RG.PYEXECUTE':
                if len(args) > 2 and not self.supports_id:
                    return Error('ERR Unknown argument given')
                if "desc=DESCRIPTION" not in args[1] and DESCRIPTION not in args[1]:
                    return Error('ERR script did not register anything we know')
                self.registrations.append(DESCRIPTION)
                return Status('OK')
            return Error("ERR unknown command '%s'" % args[0])

    def _get(self, key):
        entry = self.strings.get(key)
        if entry is None:
            return None
        value, expires = entry
        if expires is not None and time.monotonic() >= expires:
            del self.strings[key]
            return None
        return value

    def _set(self, args):
        key, value = args[1], args[2]
        options = [a.upper() for a in args[3:]]
        expires = None
        if 'PX' in options:
            expires = time.monotonic() + int(args[3 + options.index('PX') + 1]) / 1000.0
        if 'NX' in options and self._get(key) is not None:
            return Nil
        self.strings[key] = (value, expires)
        return Status('OK')


def read_command(stream):
    line = stream.readline()
    if not line:
        return None
    if not line.startswith(b'*'):
        return line.decode().split()
    count = int(line[1:])
    args = []
    for _ in range(count):
        size = int(stream.readline()[1:])
        args.append(stream.read(size + 2)[:-2].decode())
    return args


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        fake = self.server.fake
        user = None
        while True:
            args = read_command(self.rfile)
            if args is None:
                return
            if not args:
                continue
            if args[0].upper() == 'AUTH':
                given_user, given_password = (args[1], args[2]) if len(args) == 3 else ('default', args[1])
                if given_user == 'gears' and given_password == PASSWORD:
                    user = given_user
                    reply = Status('OK')
                else:
                    reply = Error('WRONGPASS invalid username-password pair or user is disabled.')
            elif user is None:
                reply = Error('NOAUTH Authentication required.')
            else:
                reply = fake.handle(user, args)
            self.wfile.write(encode(reply))
            self.wfile.flush()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@unittest.skipUnless(shutil.which('bash') and shutil.which('redis-cli'), 'needs bash and redis-cli')
class RegistrarTests(unittest.TestCase):

    def start(self, **kwargs):
        self.fake = FakeGearsRedis(**kwargs)
        self.server = Server(('127.0.0.1', 0), Handler)
        self.server.fake = self.fake
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)

    def run_registrar(self, password=PASSWORD, background=False):
        env = dict(os.environ)
        for name in ('REDISCLI_AUTH', 'REDIS_PASSWORD'):
            env.pop(name, None)
        env.update(REDIS_HOST='127.0.0.1', REDIS_PORT=str(self.server.server_address[1]),
                   REDIS_USER='gears', REDISCLI_AUTH=password, GEARS_WAIT_SECONDS='10')
        process = subprocess.Popen(['bash', REGISTRAR], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, universal_newlines=True)
        if background:
            return process
        output, _ = process.communicate(timeout=60)
        return process.returncode, output

    def pyexecutes(self):
        return [args for _, args in self.fake.commands if args[0].upper() == 'RG.PYEXECUTE']

    def test_first_run_creates_series_and_registers_with_id(self):
        self.start()
        code, output = self.run_registrar()
        self.assertEqual(0, code, output)
        expected = set()
        for stream in ('queue:customers', 'queue:orders', 'queue:complete', 'queue:rejected'):
            expected.add('ts:len:' + stream)
            expected.add('ts:enqueue:' + stream)
        self.assertEqual(expected, set(self.fake.series))
        self.assertEqual(['RETENTION', '86400000', 'DUPLICATE_POLICY', 'LAST', 'LABELS', 'app', 'popupstore',
                          'metric', 'len', 'stream', 'queue:orders'], self.fake.series['ts:len:queue:orders'])
        self.assertEqual('SUM', self.fake.series['ts:enqueue:queue:orders'][3])
        calls = self.pyexecutes()
        self.assertEqual(1, len(calls))
        self.assertEqual(['ID', DESCRIPTION, 'UPGRADE'], calls[0][2:])
        with open(os.path.join(os.path.dirname(HERE), 'timeseries.py')) as handle:
            self.assertEqual(handle.read().rstrip('\n'), calls[0][1].rstrip('\n'))
        self.assertEqual({'gears'}, {user for user, _ in self.fake.commands})
        self.assertIsNone(self.fake._get(LOCK_KEY), 'lock must be released')

    def test_second_run_does_nothing(self):
        self.start()
        self.assertEqual(0, self.run_registrar()[0])
        code, output = self.run_registrar()
        self.assertEqual(0, code, output)
        self.assertEqual(1, len(self.pyexecutes()))
        self.assertIn('already present', output)
        self.assertEqual([DESCRIPTION], self.fake.registrations)

    def test_falls_back_without_id_on_old_gears(self):
        self.start(supports_id=False)
        code, output = self.run_registrar()
        self.assertEqual(0, code, output)
        calls = self.pyexecutes()
        self.assertEqual(2, len(calls))
        self.assertEqual(2, len(calls[1]))
        self.assertEqual([DESCRIPTION], self.fake.registrations)

    def test_parallel_starters_register_once(self):
        self.start()
        processes = [self.run_registrar(background=True) for _ in range(3)]
        results = [p.communicate(timeout=60) for p in processes]
        for process, (output, _) in zip(processes, results):
            self.assertEqual(0, process.returncode, output)
        self.assertEqual(1, len(self.pyexecutes()))
        self.assertEqual([DESCRIPTION], self.fake.registrations)

    def test_waits_for_a_held_lock(self):
        self.start()
        self.fake.strings[LOCK_KEY] = ('someone-else', time.monotonic() + 1.5)
        started = time.monotonic()
        code, output = self.run_registrar()
        self.assertEqual(0, code, output)
        self.assertGreaterEqual(time.monotonic() - started, 1.0)
        self.assertIn('waiting', output)
        self.assertEqual(1, len(self.pyexecutes()))

    def test_wrong_password_fails(self):
        self.start()
        code, output = self.run_registrar(password='nope')
        self.assertNotEqual(0, code, output)
        self.assertEqual([], self.fake.registrations)


if __name__ == '__main__':
    unittest.main()
