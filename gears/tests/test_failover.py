"""The Gears registration through a Sentinel failover, on Redis 6.2.6 with RedisGears 1.2 and RedisTimeSeries:
gears/register.sh finds the primary through the Sentinel, the registration and the series replicate, and
the replica that Sentinel promotes after a kill -9 of the primary keeps counting queue entries.

Run from the repository root:  python3 -m unittest discover -s gears/tests -v
"""

import os
import subprocess
import time
import unittest

from real_redis import PASSWORD, REPO, RespError, missing_requirements, pairs
from real_sentinel import ReplicatedStack

DESCRIPTION = 'popupstore-timeseries'


def registrations(client):
    return [pairs(entry).get('desc') for entry in client.call('RG.DUMPREGISTRATIONS')]


def enqueued(client, stream):
    """Sum of the ts:enqueue:<stream> samples."""
    return sum(float(value) for _, value in client.call('TS.RANGE', 'ts:enqueue:' + stream, '-', '+'))


class FailoverTests(unittest.TestCase):

    def setUp(self):
        problem = missing_requirements()
        if problem:
            self.fail(problem)
        self.shipped = os.path.join(REPO, 'redis', 'popupstore.conf')
        with open(self.shipped) as handle:
            self.shipped_text = handle.read()
        self.stack = ReplicatedStack()
        self.addCleanup(self.stack.close)

    def run_registrar(self, sentinels, service='popupstore'):
        env = dict(os.environ)
        for name in ('REDISCLI_AUTH', 'REDIS_PASSWORD', 'REDIS_HOST', 'REDIS_PORT'):
            env.pop(name, None)
        # REDIS_HOST names nothing that listens: with Sentinels it must not be used.
        env.update(REDIS_SENTINELS=sentinels, REDIS_SERVICE_NAME=service, REDIS_HOST='192.0.2.1',
                   REDIS_USER='gears', REDISCLI_AUTH=PASSWORD, GEARS_WAIT_SECONDS='10')
        done = subprocess.run(['bash', os.path.join(REPO, 'gears', 'register.sh')], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                              timeout=120)
        return done.returncode, done.stdout

    def test_registers_on_the_primary_the_sentinel_names_and_a_promoted_replica_keeps_counting(self):
        code, output = self.run_registrar(self.stack.sentinels())
        self.assertEqual(0, code, output)
        self.assertIn("primary for 'popupstore' is 127.0.0.1:%d" % self.stack.primary.port, output)

        for replica in self.stack.replicas:
            client = replica.client('gears')
            self.addCleanup(client.close)
            self.stack.wait_until(lambda: registrations(client) == [DESCRIPTION], 30,
                                  'the registration did not reach the replica on port %d' % replica.port)

        silo = self.stack.primary.client('popupstore')
        silo.call('XADD', 'queue:orders', '*', 'order', 'before-failover')
        silo.close()

        promoted, seconds = self.stack.kill_primary_and_wait_for_promotion()
        self.assertLess(seconds, 30)

        gears = promoted.client('gears')
        self.addCleanup(gears.close)
        self.assertEqual([DESCRIPTION], registrations(gears))
        grafana = promoted.client('grafana')
        self.addCleanup(grafana.close)
        before = enqueued(grafana, 'queue:orders')
        self.assertGreaterEqual(before, 1, 'the entry added before the kill was counted and replicated')

        # min-replicas-to-write 1: the promoted primary takes writes once the other replica follows it.
        silo = promoted.client('popupstore')
        self.addCleanup(silo.close)

        def added():
            try:
                silo.call('XADD', 'queue:orders', '*', 'order', 'after-failover')
                return True
            except RespError as error:
                if 'NOREPLICAS' not in str(error):
                    raise
                return False
        self.stack.wait_until(added, 30, 'the promoted primary refused writes for 30 s (NOREPLICAS)')
        self.stack.wait_until(lambda: enqueued(grafana, 'queue:orders') >= before + 1, 10,
                              'the registration on the promoted replica did not count the new entry')

        # Sentinel ended the failover with CONFIG REWRITE on the replica it moved: that must have rewritten the
        # server's private file, never the shipped settings every launcher includes.
        with open(self.shipped) as handle:
            self.assertEqual(self.shipped_text, handle.read(), 'CONFIG REWRITE changed redis/popupstore.conf')

    def test_an_unknown_service_name_fails_with_one_line(self):
        code, output = self.run_registrar(self.stack.sentinels(), service='elsewhere')
        self.assertEqual(1, code, output)
        self.assertIn("ERROR: no Sentinel of '%s' names a primary for service 'elsewhere'" % self.stack.sentinels(),
                      output)


if __name__ == '__main__':
    unittest.main()
