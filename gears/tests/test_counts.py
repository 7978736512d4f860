"""gears/timeseries.py registered by gears/register.sh in a real Redis 6.2.6 with RedisGears 1.2
and RedisTimeSeries: the series count exactly what was written, per 5 s window, also entries
deleted at once, and a restart neither loses nor doubles a count.

Writes go through user `popupstore` (the silos' and LoadClient's ACL user), the way the
completion script writes: XADD inside Lua, XDEL right after (and the completion script itself, taking storefront
orders).

Run from the repository root:  python3 -m unittest discover -s gears/tests -v
"""

import os
import time
import unittest

from real_redis import RealStack, RespError, missing_requirements, pairs, samples

WINDOW_MS = 5000
STREAMS = ('queue:customers', 'queue:orders', 'queue:complete', 'queue:rejected')
ADD_AND_DELETE = "local id = redis.call('XADD', KEYS[1], '*', 'id', ARGV[1]) redis.call('XDEL', KEYS[1], id) return id"


COMPLETE_ORDERS = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'Core', 'Scripts', 'complete_orders.lua')
COMPLETE_ORDERS_KEYS = ('product', 'sale', 'sale:buyers', 'sale:answered', 'sale:counts', 'queue:complete',
                        'queue:rejected', 'queue:customers', 'sale:confirmed', 'sale:web-orders', 'queue:orders')


def total(client, key):
    return sum(value for _, value in samples(client, key))


def wait_inside_window(low_ms=300, high_ms=3500):
    """Sleep until the current 5 s window is between low_ms and high_ms old, away from its edges."""
    while True:
        offset = int(time.time() * 1000) % WINDOW_MS
        if low_ms <= offset <= high_ms:
            return
        time.sleep(0.05)


class CountTests(unittest.TestCase):

    def setUp(self):
        problem = missing_requirements()
        if problem:
            self.fail(problem)
        self.stack = RealStack().start()
        self.addCleanup(self.stack.close)
        code, output = self.stack.run_registrar()
        self.assertEqual(0, code, output)
        self.connect()

    def connect(self):
        self.silo = self.stack.client('popupstore')
        self.addCleanup(self.silo.close)

    def write(self, stream, kept, deleted, prefix='e'):
        """kept entries stay; deleted ones are added and deleted in the same script call."""
        ids = []
        for i in range(kept):
            ids.append(self.silo.call('XADD', stream, '*', 'id', '%s%d' % (prefix, i)))
        for i in range(deleted):
            self.silo.call('EVAL', ADD_AND_DELETE, '1', stream, '%s-gone-%d' % (prefix, i))
        return ids

    def test_every_entry_counts_also_those_deleted_at_once(self):
        wait_inside_window()
        written = {'queue:customers': (30, 70), 'queue:orders': (5, 120), 'queue:complete': (40, 0),
                   'queue:rejected': (25, 0)}
        for stream, (kept, deleted) in written.items():
            self.write(stream, kept, deleted)
        later = self.write('queue:orders', 10, 0, prefix='later')
        self.silo.call('XDEL', 'queue:orders', *later)     # answered and deleted by a separate command
        for stream, (kept, deleted) in written.items():
            extra = 10 if stream == 'queue:orders' else 0
            self.assertEqual(kept + deleted + extra, total(self.silo, 'ts:enqueue:' + stream), stream)
            lengths = samples(self.silo, 'ts:len:' + stream)
            self.assertEqual(self.silo.call('XLEN', stream), lengths[-1][1], stream)

    def test_storefront_orders_taken_by_the_completion_script_count_like_a_producers(self):
        # The silos' own script: each storefront order's ticket and order entry are written and deleted in one call.
        with open(COMPLETE_ORDERS) as source:
            script = source.read()
        self.silo.call('HSET', 'sale', 'opens', '0', 'closes', '99999999999999', 'generation', '1')
        self.silo.call('SET', 'product', '2')
        wait_inside_window()
        orders = []
        for i in range(3):
            orders += ['w%d' % i, 'c%d' % i, '', '', '', '', '', '', 'web']
        reply = self.silo.call('EVAL', script, str(len(COMPLETE_ORDERS_KEYS)), *COMPLETE_ORDERS_KEYS, '0', '10', *orders)
        self.assertEqual(['complete', 1, 'complete', 1, 'sold-out', 1], reply)
        self.assertEqual(3, total(self.silo, 'ts:enqueue:queue:orders'))
        self.assertEqual(3, total(self.silo, 'ts:enqueue:queue:customers'))
        self.assertEqual(2, total(self.silo, 'ts:enqueue:queue:complete'))
        self.assertEqual(1, total(self.silo, 'ts:enqueue:queue:rejected'))
        self.assertEqual(0.0, samples(self.silo, 'ts:len:queue:orders')[-1][1])
        self.assertEqual(0.0, samples(self.silo, 'ts:len:queue:customers')[-1][1])

    def test_samples_are_one_per_window_at_the_window_end(self):
        wait_inside_window()
        self.write('queue:orders', 3, 4)
        first_end = (int(time.time() * 1000) // WINDOW_MS + 1) * WINDOW_MS
        time.sleep((first_end - time.time() * 1000) / 1000.0)
        wait_inside_window()
        self.write('queue:orders', 2, 0)
        enqueued = samples(self.silo, 'ts:enqueue:queue:orders')
        self.assertEqual([(first_end, 7.0), (first_end + WINDOW_MS, 2.0)], enqueued)
        # the first event of a window gives every contract series a point in it
        for stream in STREAMS:
            for kind in ('len', 'enqueue'):
                stamps = [stamp for stamp, _ in samples(self.silo, 'ts:%s:%s' % (kind, stream))]
                self.assertEqual([first_end, first_end + WINDOW_MS], stamps, kind + ' ' + stream)
        self.assertEqual([(first_end, 3.0), (first_end + WINDOW_MS, 5.0)],
                         samples(self.silo, 'ts:len:queue:orders'))

    def test_a_drained_or_deleted_stream_ends_at_length_zero(self):
        ids = self.write('queue:orders', 5, 0)
        self.silo.call('XDEL', 'queue:orders', *ids)
        self.assertEqual(0.0, samples(self.silo, 'ts:len:queue:orders')[-1][1])
        self.write('queue:rejected', 4, 0)
        self.silo.call('DEL', 'queue:rejected')
        self.assertEqual(0.0, samples(self.silo, 'ts:len:queue:rejected')[-1][1])

    def test_multi_exec_counts_every_entry(self):
        self.assertEqual('OK', self.silo.call('MULTI'))
        for i in range(6):
            self.silo.call('XADD', 'queue:customers', '*', 'id', 'm%d' % i)
        self.assertEqual(6, len(self.silo.call('EXEC')))
        self.assertEqual(6, total(self.silo, 'ts:enqueue:queue:customers'))

    def test_a_restart_neither_loses_nor_doubles_counts(self):
        self.write('queue:orders', 4, 6)
        before = {stream: total(self.silo, 'ts:enqueue:' + stream) for stream in STREAMS}
        self.silo.close()
        self.stack.restart()       # AOF replay: the XADDs run again, their counts must not
        self.connect()
        after = {stream: total(self.silo, 'ts:enqueue:' + stream) for stream in STREAMS}
        self.assertEqual(before, after)
        self.write('queue:orders', 1, 1)
        self.assertEqual(before['queue:orders'] + 2, total(self.silo, 'ts:enqueue:queue:orders'))

    def test_a_failing_sample_never_fails_the_write(self):
        self.silo.call('DEL', 'ts:enqueue:queue:orders')
        self.silo.call('SET', 'ts:enqueue:queue:orders', 'not a series')
        entry = self.silo.call('XADD', 'queue:orders', '*', 'id', 'still-written')
        self.assertEqual([entry], [e[0] for e in self.silo.call('XRANGE', 'queue:orders', '-', '+')])
        gears = self.stack.client('gears')
        self.addCleanup(gears.close)
        data = pairs(pairs(gears.call('RG.DUMPREGISTRATIONS')[0])['RegistrationData'])
        self.assertGreaterEqual(data['numFailures'], 1)
        self.assertIn('TSDB', str(data['lastError']))

    def test_other_users_see_the_series_read_only(self):
        self.write('queue:complete', 2, 0)
        grafana = self.stack.client('grafana')
        self.addCleanup(grafana.close)
        reply = grafana.call('TS.RANGE', 'ts:enqueue:queue:complete', '-', '+', 'AGGREGATION', 'sum', str(WINDOW_MS))
        self.assertEqual(2.0, sum(float(value) for _, value in reply))
        with self.assertRaises(RespError):
            grafana.call('TS.ADD', 'ts:enqueue:queue:complete', '*', '1')


if __name__ == '__main__':
    unittest.main()
