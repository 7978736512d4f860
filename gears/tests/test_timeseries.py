"""Runs gears/timeseries.py under a small stand-in for the RedisGears 1.2 Python API.

The stand-in provides the two names the script uses (GearsBuilder and execute),
records the registration and every Redis command, and lets a test close a
"window" by feeding StreamReader records through the registered pipeline.

Run from the repository root:  python3 -m unittest discover -s gears/tests -v
"""

import ast
import os
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
GEARS_DIR = os.path.dirname(HERE)
SCRIPT = os.path.join(GEARS_DIR, 'timeseries.py')
REGISTRAR = os.path.join(GEARS_DIR, 'register.sh')

STREAMS = ('queue:customers', 'queue:orders', 'queue:complete', 'queue:rejected')
DAY_MS = '86400000'


class FakeGearsError(Exception):
    """What RedisGears raises from execute() when Redis answers with an error."""


class FakeRedis:
    """Records commands; answers XLEN from a dict; TS.CREATE fails on existing keys."""

    def __init__(self):
        self.commands = []
        self.lengths = {}
        self.series = set()
        self.fail_create_with = None

    def execute(self, *args):
        args = tuple(args)
        for arg in args:
            if not isinstance(arg, str):
                raise AssertionError('non-string argument %r in %r' % (arg, args))
        self.commands.append(args)
        name = args[0].upper()
        if name == 'XLEN':
            return self.lengths.get(args[1], 0)
        if name == 'TS.CREATE':
            if self.fail_create_with is not None:
                raise FakeGearsError(self.fail_create_with)
            if args[1] in self.series:
                raise FakeGearsError('ERR TSDB: key already exists')
            self.series.add(args[1])
            return 'OK'
        if name == 'TS.ADD':
            return 1
        raise AssertionError('unexpected command %r' % (args,))


class FakeGearsBuilder:
    """Just enough of GearsBuilder: countby, map, foreach, register."""

    instances = []

    def __init__(self, reader='KeysReader', defaultArg='*', desc=None):
        self.reader = reader
        self.default_arg = defaultArg
        self.desc = desc
        self.steps = []
        self.registration = None
        FakeGearsBuilder.instances.append(self)

    def countby(self, extractor=lambda x: x):
        def step(records):
            counts = {}
            order = []
            for record in records:
                key = extractor(record)
                if key not in counts:
                    counts[key] = 0
                    order.append(key)
                counts[key] += 1
            return [{'key': key, 'value': counts[key]} for key in order]
        self.steps.append(step)
        return self

    def map(self, fn):
        self.steps.append(lambda records: [fn(r) for r in records])
        return self

    def foreach(self, fn):
        def step(records):
            for record in records:
                fn(record)
            return records
        self.steps.append(step)
        return self

    def register(self, prefix='*', convertToStr=True, collect=True, **kwargs):
        if self.registration is not None:
            raise AssertionError('register called twice on one builder')
        self.registration = dict(kwargs, prefix=prefix, convertToStr=convertToStr, collect=collect)
        return 'OK'

    def fire(self, records):
        """Close one window: run the registered pipeline on the window's records."""
        for step in self.steps:
            records = step(records)
        return records


def stream_record(stream, n):
    return {'key': stream, 'id': '1700000000000-%d' % n, 'value': {'id': 'x%d' % n}}


def load_script(redis):
    FakeGearsBuilder.instances = []
    namespace = {
        '__name__': '__main__',
        'GearsBuilder': FakeGearsBuilder,
        'GB': FakeGearsBuilder,
        'execute': redis.execute,
    }
    with open(SCRIPT) as handle:
        source = handle.read()
    exec(compile(source, SCRIPT, 'exec'), namespace)
    if len(FakeGearsBuilder.instances) != 1:
        raise AssertionError('expected exactly one GearsBuilder, got %d' % len(FakeGearsBuilder.instances))
    return FakeGearsBuilder.instances[0], namespace


def expected_create(kind, policy, stream):
    return ('TS.CREATE', 'ts:%s:%s' % (kind, stream), 'RETENTION', DAY_MS,
            'DUPLICATE_POLICY', policy,
            'LABELS', 'app', 'popupstore', 'metric', kind, 'stream', stream)


class RegistrationTests(unittest.TestCase):

    def setUp(self):
        self.redis = FakeRedis()
        self.builder, _ = load_script(self.redis)

    def test_loading_issues_no_redis_command(self):
        self.assertEqual([], self.redis.commands)

    def test_stream_reader_with_description(self):
        self.assertEqual('StreamReader', self.builder.reader)
        self.assertEqual('popupstore-timeseries', self.builder.desc)

    def test_registration_arguments(self):
        reg = self.builder.registration
        self.assertIsNotNone(reg, 'the script must register its pipeline')
        self.assertEqual('queue:*', reg['prefix'])
        self.assertIs(False, reg['trimStream'])
        self.assertEqual(5000, reg['duration'])
        self.assertEqual(10000, reg['batch'])
        self.assertEqual('continue', reg.get('onFailedPolicy', 'continue'))

    def test_python37_syntax(self):
        with open(SCRIPT) as handle:
            source = handle.read()
        ast.parse(source, filename=SCRIPT, feature_version=(3, 7))


class WindowTests(unittest.TestCase):

    def setUp(self):
        self.redis = FakeRedis()
        self.builder, self.namespace = load_script(self.redis)

    def test_first_window_creates_series_then_adds_samples(self):
        self.redis.lengths = {'queue:customers': 120, 'queue:orders': 7}
        records = [stream_record('queue:customers', i) for i in range(3)]
        records += [stream_record('queue:orders', i) for i in range(2)]
        self.builder.fire(records)
        self.assertEqual([
            expected_create('len', 'LAST', 'queue:customers'),
            expected_create('enqueue', 'SUM', 'queue:customers'),
            ('XLEN', 'queue:customers'),
            ('TS.ADD', 'ts:len:queue:customers', '*', '120', 'ON_DUPLICATE', 'LAST'),
            ('TS.ADD', 'ts:enqueue:queue:customers', '*', '3', 'ON_DUPLICATE', 'SUM'),
            expected_create('len', 'LAST', 'queue:orders'),
            expected_create('enqueue', 'SUM', 'queue:orders'),
            ('XLEN', 'queue:orders'),
            ('TS.ADD', 'ts:len:queue:orders', '*', '7', 'ON_DUPLICATE', 'LAST'),
            ('TS.ADD', 'ts:enqueue:queue:orders', '*', '2', 'ON_DUPLICATE', 'SUM'),
        ], self.redis.commands)

    def test_later_windows_only_add_samples(self):
        self.builder.fire([stream_record('queue:complete', 0)])
        self.redis.commands = []
        self.redis.lengths = {'queue:complete': 42}
        self.builder.fire([stream_record('queue:complete', i) for i in range(5)])
        self.assertEqual([
            ('XLEN', 'queue:complete'),
            ('TS.ADD', 'ts:len:queue:complete', '*', '42', 'ON_DUPLICATE', 'LAST'),
            ('TS.ADD', 'ts:enqueue:queue:complete', '*', '5', 'ON_DUPLICATE', 'SUM'),
        ], self.redis.commands)

    def test_series_created_by_the_registrar_are_tolerated(self):
        for stream in STREAMS:
            self.redis.series.add('ts:len:' + stream)
            self.redis.series.add('ts:enqueue:' + stream)
        self.redis.lengths = {'queue:rejected': 1}
        self.builder.fire([stream_record('queue:rejected', 0)])
        adds = [c for c in self.redis.commands if c[0] == 'TS.ADD']
        self.assertEqual([
            ('TS.ADD', 'ts:len:queue:rejected', '*', '1', 'ON_DUPLICATE', 'LAST'),
            ('TS.ADD', 'ts:enqueue:queue:rejected', '*', '1', 'ON_DUPLICATE', 'SUM'),
        ], adds)

    def test_other_create_errors_are_not_swallowed(self):
        self.redis.fail_create_with = 'NOPERM this user has no permissions to run the command'
        with self.assertRaises(FakeGearsError):
            self.builder.fire([stream_record('queue:orders', 0)])
        self.assertFalse([c for c in self.redis.commands if c[0] == 'TS.ADD'])

    def test_every_sample_has_a_duplicate_policy(self):
        streams = STREAMS + ('queue:something-new',)
        for window in range(3):
            self.builder.fire([stream_record(s, i) for s in streams for i in range(window + 1)])
        adds = [c for c in self.redis.commands if c[0] == 'TS.ADD']
        self.assertEqual(3 * 2 * len(streams), len(adds))
        for command in adds:
            self.assertEqual('*', command[2], command)
            self.assertEqual('ON_DUPLICATE', command[4], command)
            expected = 'LAST' if command[1].startswith('ts:len:') else 'SUM'
            self.assertEqual(expected, command[5], command)

    def test_enqueue_value_is_the_count_in_the_window(self):
        self.builder.fire([stream_record('queue:orders', i) for i in range(37)])
        enqueue = [c for c in self.redis.commands if c[0] == 'TS.ADD' and c[1] == 'ts:enqueue:queue:orders']
        self.assertEqual([('TS.ADD', 'ts:enqueue:queue:orders', '*', '37', 'ON_DUPLICATE', 'SUM')], enqueue)


class RegistrarConsistencyTests(unittest.TestCase):
    """The registrar and the script must agree on names (the registrar is a shell script)."""

    def setUp(self):
        with open(REGISTRAR) as handle:
            self.registrar = handle.read()

    def test_registrar_looks_for_the_script_description(self):
        self.assertIn('popupstore-timeseries', self.registrar)

    def test_registrar_precreates_all_contract_series(self):
        for stream in STREAMS:
            self.assertIn(stream, self.registrar)
        self.assertIn('ts:len:', self.registrar)
        self.assertIn('ts:enqueue:', self.registrar)
        self.assertIn(DAY_MS, self.registrar)


if __name__ == '__main__':
    unittest.main()
