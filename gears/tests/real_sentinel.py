"""The replicated topology of the compose "replicated" profile, outside Docker: a primary and two replicas
started by redis/entrypoint.sh (REDIS_REPLICATED=yes, so redis/replication.conf and the ACL users
"replication" and "sentinel" are what they run on), and one Redis Sentinel started by
redis/sentinel-entrypoint.sh from redis/sentinel.conf.template, all Redis 6.2.6 with both modules.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time

from real_redis import PASSWORD, REPO, RealStack, RespError, _Client, free_port, modules_dir

SERVICE_NAME = 'popupstore'
REPLICATED = {'REDIS_REPLICATED': 'yes', 'REPLICATION_CONF': os.path.join(REPO, 'redis', 'replication.conf')}


class SentinelProcess:
    """redis/sentinel-entrypoint.sh watching a primary on loopback, quorum 1."""

    def __init__(self, primary_port):
        self.directory = tempfile.mkdtemp(prefix='popupstore-sentinel-')
        self.port = free_port()
        self.log_path = os.path.join(self.directory, 'sentinel.log')
        env = dict(os.environ)
        env.update(
            REDIS_PASSWORD=PASSWORD, PRIMARY_HOST='127.0.0.1', PRIMARY_PORT=str(primary_port),
            SENTINEL_PORT=str(self.port), SENTINEL_SERVICE_NAME=SERVICE_NAME, SENTINEL_QUORUM='1',
            SENTINEL_TEMPLATE=os.path.join(REPO, 'redis', 'sentinel.conf.template'),
            SENTINEL_DIR=os.path.join(self.directory, 'conf'),
            REDIS_SERVER=os.path.join(modules_dir(), 'redis-server-6.2.6'))
        with open(self.log_path, 'ab') as log:
            self.process = subprocess.Popen(
                ['bash', os.path.join(REPO, 'redis', 'sentinel-entrypoint.sh')],
                env=env, stdout=log, stderr=subprocess.STDOUT)

    def client(self, user='sentinel'):
        return _Client(self.port, user, PASSWORD)

    def primary_port(self):
        client = self.client()
        try:
            reply = client.call('SENTINEL', 'get-master-addr-by-name', SERVICE_NAME)
            return int(reply[1]) if reply else None
        finally:
            client.close()

    def log(self):
        try:
            with open(self.log_path, errors='replace') as handle:
                return handle.read()[-4000:]
        except OSError:
            return ''

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        shutil.rmtree(self.directory, ignore_errors=True)


class ReplicatedStack:
    """A primary, two replicas and a Sentinel; every server as the compose profile starts it."""

    def __init__(self):
        self.primary = RealStack(REPLICATED).start()
        self.replicas = []
        self.sentinel = None
        try:
            for _ in range(2):
                self.replicas.append(RealStack(dict(REPLICATED, REDIS_REPLICA_OF='127.0.0.1 %d' % self.primary.port)).start())
            self.sentinel = SentinelProcess(self.primary.port)
            self.wait_until(self.sentinel_sees_both_replicas, 60, 'the Sentinel did not list both replicas as up')
        except BaseException:
            self.close()
            raise

    def sentinels(self):
        return '127.0.0.1:%d' % self.sentinel.port

    def sentinel_sees_both_replicas(self):
        try:
            client = self.sentinel.client()
        except (OSError, RespError):
            return False
        try:
            replicas = [dict(zip(r[::2], r[1::2])) for r in client.call('SENTINEL', 'replicas', SERVICE_NAME)]
        finally:
            client.close()
        up = [r for r in replicas if r.get('flags') == 'slave' and r.get('master-link-status') == 'ok']
        return len(up) == 2

    def kill_primary_and_wait_for_promotion(self, timeout=60):
        """SIGKILL of the primary; returns the promoted replica once the Sentinel names it and it says master."""
        old = self.primary
        old.process.send_signal(signal.SIGKILL)
        old.process.wait(timeout=30)
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            port = self.sentinel.primary_port()
            promoted = [r for r in self.replicas if r.port == port]
            if promoted and role(promoted[0]) == 'master':
                return promoted[0], time.monotonic() - started
            time.sleep(0.2)
        raise AssertionError('no replica promoted within %d s:\n%s' % (timeout, self.sentinel.log()))

    @staticmethod
    def wait_until(condition, seconds, message):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        raise AssertionError(message)

    def close(self):
        if self.sentinel is not None:
            self.sentinel.close()
        for server in self.replicas + [self.primary]:
            if server.process is not None and server.process.poll() is None:
                server.process.kill()
                server.process.wait(timeout=30)
            server.process = None
            server.close()


def role(server):
    try:
        client = server.client('sentinel')
    except (OSError, RespError):
        return None
    try:
        return client.call('ROLE')[0]
    except (OSError, RespError):
        return None
    finally:
        client.close()
