"""gears/register.sh (real bash, real redis-cli) against a real Redis 6.2.6 with RedisGears 1.2
and RedisTimeSeries, started by redis/entrypoint.sh with the ACL users of
redis/users.acl.template: the registrar logs in as user `gears`, exactly as the compose
`gears` service does.

Run from the repository root:  python3 -m unittest discover -s gears/tests -v
Needs $REDIS_MODULES_DIR (default ../shared/redis-modules); without it every test fails and
says so.
"""

import os
import re
import time
import unittest

from real_redis import REPO, RealStack, RespError, missing_requirements, pairs

DESCRIPTION = 'popupstore-timeseries'
LOCK_KEY = 'popupstore:gears:lock'
STREAMS = ('queue:customers', 'queue:orders', 'queue:complete', 'queue:rejected')


def registrations(client):
    """Descriptions of the registrations RG.DUMPREGISTRATIONS lists."""
    return [pairs(entry).get('desc') for entry in client.call('RG.DUMPREGISTRATIONS')]


class RegistrarTests(unittest.TestCase):

    def setUp(self):
        problem = missing_requirements()
        if problem:
            self.fail(problem)
        self.stack = RealStack().start()
        self.addCleanup(self.stack.close)
        self.gears = self.stack.client('gears')
        self.addCleanup(self.gears.close)

    def test_first_run_creates_series_and_registers_once(self):
        code, output = self.stack.run_registrar()
        self.assertEqual(0, code, output)
        for stream in STREAMS:
            for kind, policy in (('len', 'last'), ('enqueue', 'sum')):
                info = pairs(self.gears.call('TS.INFO', 'ts:%s:%s' % (kind, stream)))
                self.assertEqual(policy, info['duplicatePolicy'], stream)
                self.assertEqual(86400000, info['retentionTime'])
                self.assertEqual({'app': 'popupstore', 'metric': kind, 'stream': stream},
                                 {label: value for label, value in info['labels']})
        self.assertEqual([DESCRIPTION], registrations(self.gears))
        self.assertIsNone(self.gears.call('GET', LOCK_KEY), 'the registrar must release its lock')

    def test_second_run_does_nothing(self):
        self.assertEqual(0, self.stack.run_registrar()[0])
        code, output = self.stack.run_registrar()
        self.assertEqual(0, code, output)
        self.assertIn('already present; nothing to do', output)
        self.assertEqual([DESCRIPTION], registrations(self.gears))

    def test_registration_survives_a_restart_and_a_later_run_keeps_one(self):
        self.assertEqual(0, self.stack.run_registrar()[0])
        self.gears.close()
        self.stack.restart()
        self.gears = self.stack.client('gears')
        self.assertEqual([DESCRIPTION], registrations(self.gears))
        code, output = self.stack.run_registrar()
        self.assertEqual(0, code, output)
        self.assertEqual([DESCRIPTION], registrations(self.gears))

    def test_parallel_starters_register_once(self):
        processes = [self.stack.run_registrar(background=True) for _ in range(3)]
        for process in processes:
            output, _ = process.communicate(timeout=120)
            self.assertEqual(0, process.returncode, output)
        self.assertEqual([DESCRIPTION], registrations(self.gears))

    def test_waits_for_a_lock_held_by_another_registrar(self):
        self.assertEqual('OK', self.gears.call('SET', LOCK_KEY, 'someone-else', 'PX', '1500'))
        started = time.monotonic()
        code, output = self.stack.run_registrar()
        self.assertEqual(0, code, output)
        self.assertGreaterEqual(time.monotonic() - started, 1.0)
        self.assertIn('another registrar holds', output)
        self.assertEqual([DESCRIPTION], registrations(self.gears))

    def test_lock_release_deletes_only_its_own_token(self):
        with open(os.path.join(REPO, 'gears', 'register.sh')) as handle:
            script = re.search(r'cli EVAL "([^"]+)"', handle.read()).group(1)
        self.gears.call('SET', LOCK_KEY, 'token-of-another')
        self.assertEqual(0, self.gears.call('EVAL', script, '1', LOCK_KEY, 'my-token'))
        self.assertEqual('token-of-another', self.gears.call('GET', LOCK_KEY))
        self.assertEqual(1, self.gears.call('EVAL', script, '1', LOCK_KEY, 'token-of-another'))
        self.assertIsNone(self.gears.call('GET', LOCK_KEY))

    def test_wrong_password_fails_and_registers_nothing(self):
        code, output = self.stack.run_registrar(password='test-only-wrong-password')
        self.assertNotEqual(0, code, output)
        self.assertIn("refused user 'gears'", output)
        self.assertEqual([], registrations(self.gears))

    def test_user_gears_is_limited_to_its_keys_and_commands(self):
        for command in (('GET', 'product'), ('HGETALL', 'sale'), ('FLUSHALL',), ('CONFIG', 'GET', 'dir'),
                        ('XADD', 'queue:orders', '*', 'id', 'x')):
            with self.assertRaises(RespError, msg=' '.join(command)) as refused:
                self.gears.call(*command)
            self.assertIn('NOPERM', str(refused.exception))

    def test_silo_user_cannot_register_gears_functions(self):
        silo = self.stack.client('popupstore')
        self.addCleanup(silo.close)
        with self.assertRaises(RespError) as refused:
            silo.call('RG.PYEXECUTE', "GB().run()")
        self.assertIn('NOPERM', str(refused.exception))
        self.assertEqual([], registrations(silo))


if __name__ == '__main__':
    unittest.main()
