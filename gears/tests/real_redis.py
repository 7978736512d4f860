"""A real Redis 6.2.6 with RedisGears 1.2 and RedisTimeSeries, started the way the compose
`redis` service starts it: by redis/entrypoint.sh, with the ACL users rendered from
redis/users.acl.template and AOF on. The modules come from $REDIS_MODULES_DIR (default
../shared/redis-modules next to the repository).

A missing module or tool is a test failure that says what is missing, never a skip.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, 'scripts', 'lib'))

from resp import Client as _Client, RespError  # noqa: E402  (path set just above)
PASSWORD = 'test-only-password'

MODULE_FILES = ('redis-server-6.2.6', 'redisgears.so', 'gears_python.so', 'redistimeseries.so')


def modules_dir():
    return os.path.abspath(os.environ.get('REDIS_MODULES_DIR')
                           or os.path.join(REPO, '..', 'shared', 'redis-modules'))


def missing_requirements():
    """What is missing to run the real stack, as one sentence, or None."""
    directory = modules_dir()
    missing = [name for name in MODULE_FILES if not os.path.exists(os.path.join(directory, name))]
    if missing:
        return ('the real Redis modules are missing from REDIS_MODULES_DIR=%s (%s); these tests run '
                'gears/ against RedisGears 1.2 and RedisTimeSeries and cannot pass without them: lay out '
                'shared/redis-modules (its README says how) or point REDIS_MODULES_DIR at it'
                % (directory, ', '.join(missing)))
    for tool in ('bash', 'redis-cli'):
        if shutil.which(tool) is None:
            return '%s is not on PATH (apt-get install -y %s)' % (
                tool, 'redis-tools' if tool == 'redis-cli' else tool)
    return None


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class RealStack:
    """redis/entrypoint.sh running redis-server 6.2.6 with both modules on a free port."""

    def __init__(self, extra_environment=None):
        self.extra_environment = dict(extra_environment or {})
        self.directory = tempfile.mkdtemp(prefix='popupstore-gears-')
        self.data = os.path.join(self.directory, 'data')
        os.makedirs(self.data)
        self.port = free_port()
        self.process = None
        self.log_path = os.path.join(self.directory, 'redis.log')

    def environment(self):
        modules = modules_dir()
        env = dict(os.environ)
        env.update(
            REDIS_PASSWORD=PASSWORD,
            REDIS_SERVER=os.path.join(modules, 'redis-server-6.2.6'),
            REDIS_DATA_DIR=self.data,
            REDIS_CONF=os.path.join(REPO, 'redis', 'popupstore.conf'),
            ACL_TEMPLATE=os.path.join(REPO, 'redis', 'users.acl.template'),
            ACL_DIR=os.path.join(self.directory, 'acl'),
            GEARS_MODULE=os.path.join(modules, 'redisgears.so'),
            GEARS_PYTHON_PLUGIN=os.path.join(modules, 'gears_python.so'),
            GEARS_MODULE_ARGS='PythonInstallationDir ' + modules,
            TIMESERIES_MODULE=os.path.join(modules, 'redistimeseries.so'),
        )
        env.update(self.extra_environment)
        return env

    def start(self):
        with open(self.log_path, 'ab') as log:
            self.process = subprocess.Popen(
                ['bash', os.path.join(REPO, 'redis', 'entrypoint.sh'),
                 '--port', str(self.port), '--bind', '127.0.0.1', '--save', ''],
                env=self.environment(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError('redis/entrypoint.sh exited %d:\n%s' % (self.process.returncode, self.log()))
            try:
                client = _Client(self.port, 'healthcheck', PASSWORD)
                client.call('PING')
                client.close()
                return self
            except (OSError, RespError):
                time.sleep(0.1)
        raise AssertionError('Redis did not answer PING within 30 s:\n' + self.log())

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()   # SIGTERM: redis-server writes the AOF and exits
            self.process.wait(timeout=30)
        self.process = None

    def restart(self):
        self.stop()
        return self.start()

    def close(self):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def log(self):
        try:
            with open(self.log_path, errors='replace') as handle:
                return handle.read()[-4000:]
        except OSError:
            return ''

    def client(self, user):
        return _Client(self.port, user, PASSWORD)

    def run_registrar(self, password=PASSWORD, background=False, user='gears'):
        """gears/register.sh exactly as the compose `gears` service runs it."""
        env = dict(os.environ)
        for name in ('REDISCLI_AUTH', 'REDIS_PASSWORD'):
            env.pop(name, None)
        env.update(REDIS_HOST='127.0.0.1', REDIS_PORT=str(self.port), REDIS_USER=user,
                   REDISCLI_AUTH=password, GEARS_WAIT_SECONDS='15')
        process = subprocess.Popen(['bash', os.path.join(REPO, 'gears', 'register.sh')], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   universal_newlines=True)
        if background:
            return process
        output, _ = process.communicate(timeout=120)
        return process.returncode, output


def pairs(flat):
    """[k1, v1, k2, v2] -> {k1: v1, k2: v2}"""
    return dict(zip(flat[::2], flat[1::2]))


def samples(client, key):
    """TS.RANGE key - + as [(timestamp, value)]."""
    return [(int(ts), float(value)) for ts, value in client.call('TS.RANGE', key, '-', '+')]
