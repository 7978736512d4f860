"""Static checks of gears/timeseries.py: what it registers and its window arithmetic.

The script is loaded with a recorder in place of GearsBuilder and an `execute` that fails the
test if called, so loading it must issue no Redis command. What the registration then does
(counts, lengths, ACL, restarts) is tested against the real modules in test_counts.py and
test_register.py; nothing here stands in for Redis.

Run from the repository root:  python3 -m unittest discover -s gears/tests -v
"""

import ast
import os
import re
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
GEARS_DIR = os.path.dirname(HERE)
SCRIPT = os.path.join(GEARS_DIR, 'timeseries.py')
REGISTRAR = os.path.join(GEARS_DIR, 'register.sh')


class RecordingBuilder:
    instances = []

    def __init__(self, reader='KeysReader', defaultArg='*', desc=None):
        self.reader = reader
        self.desc = desc
        self.steps = []
        self.registration = None
        RecordingBuilder.instances.append(self)

    def foreach(self, fn):
        self.steps.append(('foreach', fn))
        return self

    def register(self, **kwargs):
        if self.registration is not None:
            raise AssertionError('register called twice on one builder')
        self.registration = kwargs
        return 'OK'


def no_command(*args):
    raise AssertionError('loading the script issued a Redis command: %r' % (args,))


def load_script():
    RecordingBuilder.instances = []
    namespace = {'__name__': '__main__', 'GearsBuilder': RecordingBuilder, 'GB': RecordingBuilder,
                 'execute': no_command}
    with open(SCRIPT) as handle:
        exec(compile(handle.read(), SCRIPT, 'exec'), namespace)
    if len(RecordingBuilder.instances) != 1:
        raise AssertionError('expected exactly one GearsBuilder, got %d' % len(RecordingBuilder.instances))
    return RecordingBuilder.instances[0], namespace


class RegistrationTests(unittest.TestCase):

    def setUp(self):
        self.builder, self.namespace = load_script()

    def test_keys_reader_with_the_description_the_registrar_looks_for(self):
        self.assertEqual('KeysReader', self.builder.reader)
        self.assertEqual('popupstore-timeseries', self.builder.desc)
        with open(REGISTRAR) as handle:
            self.assertIn("readonly DESCRIPTION='popupstore-timeseries'", handle.read())

    def test_runs_inside_every_command_that_changes_a_queue_stream(self):
        reg = self.builder.registration
        self.assertIsNotNone(reg, 'the script must register its function')
        self.assertEqual('queue:*', reg['prefix'])
        self.assertEqual('sync', reg['mode'], 'counting later (async) would see entries already deleted')
        self.assertIs(False, reg['readValue'], 'reading the whole stream on every event would cost O(length)')
        self.assertEqual({'xadd', 'xdel', 'xtrim', 'del'}, set(reg['eventTypes']))

    def test_windows_end_on_multiples_of_five_seconds(self):
        window_end = self.namespace['window_end']
        self.assertEqual(5000, window_end(0))
        self.assertEqual(5000, window_end(4999))
        self.assertEqual(10000, window_end(5000))
        self.assertEqual(1700000005000, window_end(1700000003210))

    def test_registrar_creates_every_series_with_the_scripts_policies(self):
        with open(REGISTRAR) as handle:
            registrar = handle.read()
        created = dict(re.findall(r'create_series "ts:(\w+):\$stream" (\w+)', registrar))
        self.assertEqual(dict(self.namespace['DUPLICATE_POLICIES']), created)
        streams = re.search(r'STREAMS=\(([^)]*)\)', registrar).group(1).split()
        self.assertEqual(list(self.namespace['CONTRACT_STREAMS']), streams)

    def test_python37_syntax(self):
        with open(SCRIPT) as handle:
            ast.parse(handle.read(), filename=SCRIPT, feature_version=(3, 7))


if __name__ == '__main__':
    unittest.main()
