#!/usr/bin/env python3
"""Mutation testing of the sale's Lua scripts (src/Core/Scripts/*.lua) against test/PopupStore.Tests.

No mutation tool understands Lua, so this one does the little that is needed: it reads a script, finds
places where a simple operator rule applies (outside comments and strings), and for each such mutant
writes it over the script, builds PopupStore.Core (the scripts are embedded resources), runs the chosen
tests against a real redis-server and records whether a test failed (killed), none did (survived) or the
run hung (timeout). The script is always put back, also on Ctrl-C or an error.

Rules (--rules picks some; all by default):
  rel      relational operators  <  <=   >  >=   ==  ~=  (each to its partner)
  logic    and <-> or
  arith    binary + <-> - (unary minus is left alone)
  num      numeric literal 0 <-> 1
           (arith and num leave subscripts such as ARGV[i + 1] alone: they pick an argument, and a
           mutant there breaks every call)
  not      `not x` -> `x`
  bool     true <-> false (so `return false` <-> `return true`)
  drop     remove a statement: a redis.call/redis.pcall of a writing command, or a call of a function
           defined in the same script (or error(...)) that stands alone as a statement

A mutant that Redis cannot compile (SCRIPT LOAD fails) is counted as invalid, not as killed; a local
redis-server checks each mutant before its build when one is on PATH.

Build modes:
  fast (default)  dotnet build of PopupStore.Core only, its DLL copied into the test project's output,
                  then dotnet test --no-build. The copy is checked: the mutated script must be inside it.
  full            dotnet test of the test project with its build (every referenced project), slower.

Score = (killed + timeout) / (killed + survived + timeout).

Examples:
  scripts/mutate-lua.py --list
  scripts/mutate-lua.py --file src/Core/Scripts/complete_orders.lua
  scripts/mutate-lua.py --file src/Core/Scripts/start_sale.lua --file src/Core/Scripts/close_sale.lua \\
      --max-mutants 20 --json /tmp/sale.json
"""

import argparse
import glob
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORE_PROJECT = 'src/Core/PopupStore.Core.csproj'
TEST_PROJECT = 'test/PopupStore.Tests'
DEFAULT_FILES = ['src/Core/Scripts/complete_orders.lua']
DEFAULT_FILTER = ('FullyQualifiedName~PopupStore.Tests.Scripts|FullyQualifiedName~PopupStore.Tests.Sales'
                  '|FullyQualifiedName~PopupStore.Tests.Orders|FullyQualifiedName~PopupStore.Tests.Invariants')
ALL_RULES = ['rel', 'logic', 'arith', 'num', 'not', 'bool', 'drop']

KEYWORDS = {'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'goto', 'if', 'in',
            'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while'}
# Commands that change data; a statement calling one of them is a candidate for removal.
WRITE_COMMANDS = {'SET', 'DEL', 'UNLINK', 'INCR', 'INCRBY', 'DECR', 'DECRBY', 'HSET', 'HMSET', 'HDEL',
                  'HINCRBY', 'XADD', 'XDEL', 'XSETID', 'XGROUP', 'XACK', 'XTRIM', 'XCLAIM', 'XAUTOCLAIM',
                  'EXPIRE', 'PEXPIRE', 'SADD', 'SREM', 'ZADD', 'ZREM', 'LPUSH', 'RPUSH', 'LPOP', 'RPOP',
                  'SETNX', 'HSETNX', 'GETDEL', 'PERSIST', 'RENAME'}
RELATIONAL = {'<': '<=', '<=': '<', '>': '>=', '>=': '>', '==': '~=', '~=': '=='}
OPERATORS = ['...', '..', '==', '~=', '<=', '>=', '<<', '>>', '//', '::',
             '+', '-', '*', '/', '%', '^', '#', '&', '~', '|', '<', '>', '=',
             '(', ')', '{', '}', '[', ']', ';', ':', ',', '.']


# ---------------------------------------------------------------- Lua lexer

class Token:
    __slots__ = ('kind', 'text', 'start', 'end', 'line')

    def __init__(self, kind, text, start, end, line):
        self.kind, self.text, self.start, self.end, self.line = kind, text, start, end, line

    def __repr__(self):
        return f'{self.kind}:{self.text!r}@{self.line}'


def long_bracket(src, i):
    """Length of the long bracket opening at src[i] ('[' '='* '['), its level, or (0, -1)."""
    m = re.compile(r'\[(=*)\[').match(src, i)
    if not m:
        return 0, -1
    return len(m.group(0)), len(m.group(1))


def lex(src):
    """Tokens of a Lua 5.1 source; comments dropped, strings kept as one token each."""
    tokens, i, line, n = [], 0, 1, len(src)
    number = re.compile(r'0[xX][0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?')
    name = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')
    while i < n:
        c = src[i]
        if c == '\n':
            line += 1
            i += 1
            continue
        if c in ' \t\r\f\v':
            i += 1
            continue
        if src.startswith('--', i):
            width, level = long_bracket(src, i + 2)
            if width:
                close = src.find(']' + '=' * level + ']', i + 2 + width)
                if close < 0:
                    raise SyntaxError(f'line {line}: unfinished long comment')
                end = close + level + 2
            else:
                end = src.find('\n', i)
                end = n if end < 0 else end
            line += src.count('\n', i, end)
            i = end
            continue
        if c in '\'"':
            j = i + 1
            while j < n and src[j] != c:
                if src[j] == '\\':
                    j += 1
                elif src[j] == '\n':
                    raise SyntaxError(f'line {line}: unfinished string')
                j += 1
            tokens.append(Token('string', src[i:j + 1], i, j + 1, line))
            line += src.count('\n', i, j + 1)
            i = j + 1
            continue
        if c == '[':
            width, level = long_bracket(src, i)
            if width:
                close = src.find(']' + '=' * level + ']', i + width)
                if close < 0:
                    raise SyntaxError(f'line {line}: unfinished long string')
                end = close + level + 2
                tokens.append(Token('string', src[i:end], i, end, line))
                line += src.count('\n', i, end)
                i = end
                continue
        m = number.match(src, i) if (c.isdigit() or (c == '.' and i + 1 < n and src[i + 1].isdigit())) else None
        if m:
            tokens.append(Token('number', m.group(0), i, m.end(), line))
            i = m.end()
            continue
        m = name.match(src, i)
        if m:
            word = m.group(0)
            tokens.append(Token('keyword' if word in KEYWORDS else 'name', word, i, m.end(), line))
            i = m.end()
            continue
        for op in OPERATORS:
            if src.startswith(op, i):
                tokens.append(Token('op', op, i, i + len(op), line))
                i += len(op)
                break
        else:
            raise SyntaxError(f'line {line}: unexpected character {c!r}')
    return tokens


# ---------------------------------------------------------------- mutants

class Mutant:
    def __init__(self, path, src, rule, start, end, replacement, line, note=None):
        self.path, self.rule, self.start, self.end, self.line = path, rule, start, end, line
        self.replacement = replacement
        self.original = src[start:end]
        self.note = note
        self.id = 0
        self.status = None
        self.detail = ''
        self.seconds = 0.0

    def apply(self, src):
        return src[:self.start] + self.replacement + src[self.end:]

    def change(self):
        if self.note:
            return self.note
        return f'`{self.original}` -> `{self.replacement}`'


def ends_value(tok):
    """True when a binary operator may follow this token (it ends an expression)."""
    if tok is None:
        return False
    if tok.kind in ('name', 'number', 'string'):
        return True
    if tok.kind == 'keyword':
        return tok.text in ('true', 'false', 'nil', '...')
    return tok.text in (')', ']', '}', '...')


def continues_expression(tok):
    """True when a token before a call means the call is part of an expression, not a statement."""
    if tok is None:
        return False
    if tok.kind == 'op':
        return tok.text not in (')', ']', '}', ';')
    if tok.kind == 'keyword':
        return tok.text in ('return', 'and', 'or', 'not', 'local', 'in', 'until', 'if', 'elseif', 'while')
    return False


def matching_paren(tokens, k):
    """Index of the ')' closing the '(' at tokens[k]."""
    depth = 0
    for j in range(k, len(tokens)):
        if tokens[j].text in ('(', '{', '['):
            depth += 1
        elif tokens[j].text in (')', '}', ']'):
            depth -= 1
            if depth == 0:
                return j
    return None


def blank_out(text):
    """The removed statement's text replaced by its newlines only, so line numbers stay put."""
    return '\n' * text.count('\n')


def mutants_of(path, src, rules):
    tokens = lex(src)
    found = []
    local_functions = set()
    for k, tok in enumerate(tokens):
        if tok.text == 'function' and k + 1 < len(tokens) and tokens[k + 1].kind == 'name':
            local_functions.add(tokens[k + 1].text)
    # Open brackets; a '[' that follows a value opens a subscript (t[i + 1]), whose arithmetic only picks
    # an argument or a slot: mutating it breaks every call, so num and arith leave subscripts alone.
    brackets = []
    for k, tok in enumerate(tokens):
        prev = tokens[k - 1] if k > 0 else None
        if tok.text in ('(', '{', '[') and tok.kind == 'op':
            brackets.append('subscript' if tok.text == '[' and ends_value(prev) else tok.text)
        elif tok.text in (')', '}', ']') and tok.kind == 'op' and brackets:
            brackets.pop()
        in_subscript = 'subscript' in brackets
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        add = lambda rule, repl, s=tok.start, e=tok.end, note=None: found.append(
            Mutant(path, src, rule, s, e, repl, tok.line, note))
        if 'rel' in rules and tok.kind == 'op' and tok.text in RELATIONAL:
            add('rel', RELATIONAL[tok.text])
        elif 'logic' in rules and tok.kind == 'keyword' and tok.text in ('and', 'or'):
            add('logic', 'or' if tok.text == 'and' else 'and')
        elif 'arith' in rules and tok.kind == 'op' and tok.text in ('+', '-') and ends_value(prev) \
                and not in_subscript:
            add('arith', '-' if tok.text == '+' else '+')
        elif 'num' in rules and tok.kind == 'number' and tok.text in ('0', '1') and not in_subscript:
            add('num', '1' if tok.text == '0' else '0')
        elif 'not' in rules and tok.kind == 'keyword' and tok.text == 'not' and nxt is not None:
            add('not', '', tok.start, nxt.start, f'`not {nxt.text}...` -> `{nxt.text}...`')
        elif 'bool' in rules and tok.kind == 'keyword' and tok.text in ('true', 'false'):
            add('bool', 'false' if tok.text == 'true' else 'true')
        elif 'drop' in rules and tok.kind == 'name' and not continues_expression(prev):
            # redis.call('WRITE', ...) or f(...) / error(...) standing alone as a statement
            call_open, what = None, None
            if (tok.text == 'redis' and k + 3 < len(tokens) and tokens[k + 1].text == '.'
                    and tokens[k + 2].text in ('call', 'pcall') and tokens[k + 3].text == '('):
                command = tokens[k + 4] if k + 4 < len(tokens) else None
                if command is not None and command.kind == 'string' and command.text[1:-1].upper() in WRITE_COMMANDS:
                    call_open, what = k + 3, f"redis.{tokens[k + 2].text}('{command.text[1:-1]}', ...)"
            elif (tok.text in local_functions or tok.text == 'error') and nxt is not None and nxt.text == '(' \
                    and not (prev is not None and prev.text == 'function'):
                call_open, what = k + 1, f'{tok.text}(...)'
            if call_open is not None:
                close = matching_paren(tokens, call_open)
                after = tokens[close + 1] if close is not None and close + 1 < len(tokens) else None
                if close is not None and not (after is not None and after.text in ('.', '[', ':', '(', '=')):
                    span = src[tok.start:tokens[close].end]
                    found.append(Mutant(path, src, 'drop', tok.start, tokens[close].end, blank_out(span),
                                        tok.line, f'statement `{what}` removed'))
    found.sort(key=lambda m: (m.start, m.rule))
    for i, m in enumerate(found, 1):
        m.id = i
    return found


# ---------------------------------------------------------------- Redis syntax check

class RedisChecker:
    """A throwaway redis-server that compiles each mutant (SCRIPT LOAD) before it is built."""

    def __init__(self):
        self.proc = None
        self.sock = None
        exe = shutil.which('redis-server')
        if not exe:
            return
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            port = s.getsockname()[1]
        self.dir = tempfile.mkdtemp(prefix='mutate-lua-redis-')
        self.proc = subprocess.Popen([exe, '--port', str(port), '--bind', '127.0.0.1', '--save', '',
                                      '--appendonly', 'no', '--dir', self.dir],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                self.sock = socket.create_connection(('127.0.0.1', port), timeout=5)
                self.reader = self.sock.makefile('rb')
                return
            except OSError:
                time.sleep(0.1)
        self.close()

    def compile_error(self, script):
        """None when Redis compiles the script, else its error; None too when no server is at hand."""
        if self.sock is None:
            return None
        args = [b'SCRIPT', b'LOAD', script.encode()]
        self.sock.sendall(b'*%d\r\n' % len(args) + b''.join(b'$%d\r\n%s\r\n' % (len(a), a) for a in args))
        first = self.reader.readline()
        if first.startswith(b'-'):
            return first[1:].decode(errors='replace').strip()
        if first.startswith(b'$'):
            self.reader.read(int(first[1:]) + 2)
        return None

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None
            shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------- build and test

CURRENT_CHILD = None


def run(cmd, timeout=None):
    """Runs cmd in its own process group (so a timeout or Ctrl-C ends redis-servers the tests started too)."""
    global CURRENT_CHILD
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    CURRENT_CHILD = proc
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, out, False
    except subprocess.TimeoutExpired:
        kill_group(proc)
        out, _ = proc.communicate()
        return None, out, True
    finally:
        if proc.poll() is None:
            kill_group(proc)
        CURRENT_CHILD = None


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def build_core():
    code, out, _ = run(['dotnet', 'build', CORE_PROJECT, '-c', 'Debug', '--no-restore', '-nologo', '-v', 'q'])
    if code != 0:
        raise RuntimeError('build of PopupStore.Core failed:\n' + out[-3000:])
    dlls = glob.glob(os.path.join(ROOT, 'src/Core/bin/Debug/*/PopupStore.Core.dll'))
    if len(dlls) != 1:
        raise RuntimeError(f'expected one PopupStore.Core.dll under src/Core/bin/Debug, found {dlls}')
    dll = dlls[0]
    framework = os.path.basename(os.path.dirname(dll))
    target = os.path.join(ROOT, TEST_PROJECT, 'bin/Debug', framework)
    if not os.path.isdir(target):
        raise RuntimeError(f'{target} is missing: build the test project once (dotnet build {TEST_PROJECT})')
    for ext in ('.dll', '.pdb'):
        source = dll[:-4] + ext
        if os.path.exists(source):
            shutil.copy2(source, os.path.join(target, 'PopupStore.Core' + ext))
    return os.path.join(target, 'PopupStore.Core.dll')


def check_embedded(dll, script):
    with open(dll, 'rb') as f:
        if script.encode() not in f.read():
            raise RuntimeError(f'{dll} does not hold the script as written: the build did not take the mutant')


def summary(out):
    m = re.findall(r'Failed:\s+(\d+), Passed:\s+(\d+)', out)
    failed_tests = re.findall(r'^\s+Failed (.+?) \[\d', out, re.M)
    counts = f'{sum(int(f) for f, _ in m)} failed, {sum(int(p) for _, p in m)} passed' if m else 'no test summary'
    return counts, failed_tests


def run_tests(args, path, script):
    """Builds with the script as it is on disk and runs the tests: 'pass' | 'fail' | 'timeout', detail."""
    if args.build == 'fast':
        check_embedded(build_core(), script)
        cmd = ['dotnet', 'test', TEST_PROJECT, '-c', 'Debug', '--no-build', '--filter', args.filter]
    else:
        cmd = ['dotnet', 'test', TEST_PROJECT, '-c', 'Debug', '--filter', args.filter]
    code, out, timed_out = run(cmd, timeout=args.timeout)
    if timed_out:
        return 'timeout', f'no answer within {args.timeout} s'
    counts, failed = summary(out)
    if code == 0:
        if 'no test summary' == counts or re.search(r'Passed:\s+0,', out) and 'Failed:     0' in out:
            raise RuntimeError('the filter ran no test:\n' + out[-2000:])
        return 'pass', counts
    if counts == 'no test summary' and 'error' in out.lower() and 'Build FAILED' in out:
        raise RuntimeError('build failed:\n' + out[-3000:])
    detail = counts + (f'; first: {failed[0]}' if failed else '')
    return 'fail', detail


# ---------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(
        prog='scripts/mutate-lua.py',
        description=__doc__.split('\n\n')[0] + '\n\n' + '\n\n'.join(__doc__.split('\n\n')[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--file', action='append', metavar='LUA',
                   help='script to mutate, relative to the repository root (repeatable; default: %s)'
                        % ', '.join(DEFAULT_FILES))
    p.add_argument('--filter', default=DEFAULT_FILTER,
                   help='dotnet test --filter expression (default: %(default)s)')
    p.add_argument('--max-mutants', type=int, metavar='N',
                   help='test at most N mutants per file, a random sample (see --seed); default: all')
    p.add_argument('--seed', type=int, default=1, help='seed of the --max-mutants sample (default: 1)')
    p.add_argument('--mutant', type=int, action='append', metavar='ID',
                   help='test only this mutant id (as --list numbers them; repeatable)')
    p.add_argument('--rules', default=','.join(ALL_RULES),
                   help='comma-separated rules to apply (default: %(default)s)')
    p.add_argument('--list', action='store_true', help='only list the mutants, run nothing')
    p.add_argument('--build', choices=['fast', 'full'], default='fast', help='build mode (default: fast)')
    p.add_argument('--timeout', type=int, default=300,
                   help='seconds one test run may take before the mutant counts as timeout (default: 300)')
    p.add_argument('--json', metavar='PATH', help='also write every result to this JSON file')
    return p.parse_args(argv)


def show_line(src, m):
    mutated = m.apply(src)
    old = src.splitlines()[m.line - 1].strip()
    new_lines = mutated.splitlines()
    new = new_lines[m.line - 1].strip() if m.line - 1 < len(new_lines) else ''
    return old, new


def main(argv=None):
    args = parse_args(argv)
    rules = [r.strip() for r in args.rules.split(',') if r.strip()]
    unknown = set(rules) - set(ALL_RULES)
    if unknown:
        sys.exit(f'unknown rules: {", ".join(sorted(unknown))} (known: {", ".join(ALL_RULES)})')
    files = args.file or DEFAULT_FILES

    plan = []
    for rel in files:
        path = os.path.join(ROOT, rel)
        with open(path, encoding='utf-8', newline='') as f:
            src = f.read()
        mutants = mutants_of(rel, src, rules)
        chosen = mutants
        if args.mutant:
            chosen = [m for m in mutants if m.id in set(args.mutant)]
        if args.max_mutants is not None and len(chosen) > args.max_mutants:
            chosen = sorted(random.Random(args.seed).sample(chosen, args.max_mutants), key=lambda m: m.id)
        plan.append((rel, path, src, mutants, chosen))

    if args.list:
        for rel, _, src, mutants, chosen in plan:
            print(f'{rel}: {len(mutants)} mutants' + (f', {len(chosen)} chosen' if len(chosen) != len(mutants) else ''))
            for m in chosen:
                print(f'  #{m.id:<3} line {m.line:<4} {m.rule:<6} {m.change()}')
        return 0

    checker = RedisChecker()
    originals = {path: src for _, path, src, _, _ in plan}
    interrupted = False

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f'signal {signum}')

    signal.signal(signal.SIGTERM, on_signal)
    started = time.time()
    results = []
    try:
        print(f'[mutate-lua] filter: {args.filter}', flush=True)
        print('[mutate-lua] baseline: the unmutated scripts must pass ...', flush=True)
        for _, _, src, _, _ in plan[:1]:
            status, detail = run_tests(args, plan[0][0], src)
            if status != 'pass':
                sys.exit(f'[mutate-lua] baseline does not pass ({status}: {detail}); fix that first')
            print(f'[mutate-lua] baseline passes ({detail})', flush=True)
        total = sum(len(chosen) for *_, chosen in plan)
        done = 0
        for rel, path, src, mutants, chosen in plan:
            sampled = f', sample of {len(chosen)}' if len(chosen) != len(mutants) else ''
            print(f'[mutate-lua] {rel}: {len(mutants)} mutants{sampled}', flush=True)
            for m in chosen:
                done += 1
                mutated = m.apply(src)
                t0 = time.time()
                error = checker.compile_error(mutated)
                if error:
                    m.status, m.detail = 'invalid', error
                else:
                    with open(path, 'w', encoding='utf-8', newline='') as f:
                        f.write(mutated)
                    try:
                        status, m.detail = run_tests(args, rel, mutated)
                    finally:
                        with open(path, 'w', encoding='utf-8', newline='') as f:
                            f.write(src)
                    m.status = {'pass': 'survived', 'fail': 'killed', 'timeout': 'timeout'}[status]
                m.seconds = time.time() - t0
                results.append(m)
                print(f'  [{done}/{total}] #{m.id:<3} line {m.line:<4} {m.rule:<6} {m.status:<8} '
                      f'{m.seconds:5.0f}s  {m.change()}  ({m.detail})', flush=True)
    except KeyboardInterrupt:
        interrupted = True
        print('\n[mutate-lua] interrupted; the scripts are put back', flush=True)
    finally:
        for path, src in originals.items():
            with open(path, 'w', encoding='utf-8', newline='') as f:
                f.write(src)
        checker.close()
        if args.build == 'fast' and results:
            # The test project's output holds the last mutant's Core: put the real one back.
            try:
                build_core()
            except (RuntimeError, KeyboardInterrupt) as e:
                print(f'[mutate-lua] could not rebuild PopupStore.Core after the run: {e}; '
                      f'run dotnet build {TEST_PROJECT}', file=sys.stderr)

    report(plan, results, args, time.time() - started, interrupted)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'filter': args.filter, 'build': args.build, 'max_mutants': args.max_mutants,
                       'seed': args.seed, 'rules': rules, 'interrupted': interrupted,
                       'mutants': [{'file': m.path, 'id': m.id, 'line': m.line, 'rule': m.rule,
                                    'change': m.change(), 'status': m.status, 'detail': m.detail,
                                    'seconds': round(m.seconds, 1)} for m in results]}, f, indent=1)
    return 130 if interrupted else 0


def report(plan, results, args, seconds, interrupted):
    def row(name, ms, generated):
        c = {s: sum(1 for m in ms if m.status == s) for s in ('killed', 'survived', 'timeout', 'invalid')}
        judged = c['killed'] + c['survived'] + c['timeout']
        score = f'{100.0 * (c["killed"] + c["timeout"]) / judged:5.1f}%' if judged else '    -'
        return (f'| {name:<38} | {generated:>9} | {len(ms):>6} | {c["killed"]:>6} | {c["survived"]:>8} | '
                f'{c["timeout"]:>7} | {c["invalid"]:>7} | {score:>6} |')

    print()
    print(f'Mutation score ({"interrupted, " if interrupted else ""}{seconds / 60:.1f} min, build {args.build}, '
          f'filter {args.filter})')
    print('| file                                   | generated | tested | killed | survived | timeout | invalid |  score |')
    print('|----------------------------------------|-----------|--------|--------|----------|---------|---------|--------|')
    for rel, _, _, mutants, _ in plan:
        print(row(rel, [m for m in results if m.path == rel], len(mutants)))
    print(row('total', results, sum(len(mutants) for _, _, _, mutants, _ in plan)))
    survivors = [m for m in results if m.status == 'survived']
    if survivors:
        print('\nSurviving mutants:')
        sources = {rel: src for rel, _, src, _, _ in plan}
        for m in survivors:
            old, new = show_line(sources[m.path], m)
            print(f'  {m.path}:{m.line} #{m.id} [{m.rule}] {m.change()}')
            print(f'      - {old}')
            print(f'      + {new}')
    timeouts = [m for m in results if m.status == 'timeout']
    if timeouts:
        print('\nTimed out (counted as killed):')
        for m in timeouts:
            print(f'  {m.path}:{m.line} #{m.id} [{m.rule}] {m.change()}')


if __name__ == '__main__':
    sys.exit(main())
