using System.Text;

namespace PopupStore.Tests.Infrastructure;

/// <summary>
/// A thread-safe text sink that tells when a number of lines has been written, so a test waits on
/// the output itself rather than on the clock.
/// </summary>
public sealed class LineWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly List<(int Lines, TaskCompletionSource Reached)> _waiters = [];
    private int _lines;

    public override Encoding Encoding => Encoding.UTF8;

    // TextWriter routes every Write and WriteLine (and their async forms) through Write(char).
    public override void Write(char value)
    {
        lock (_text)
        {
            _text.Append(value);
            if (value != '\n')
            {
                return;
            }

            _lines++;
            foreach (var waiter in _waiters.Where(w => w.Lines <= _lines).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Completes once <paramref name="lines"/> lines are written; fails with a timeout message otherwise.</summary>
    public async Task WaitForLinesAsync(int lines, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_text)
        {
            if (_lines >= lines)
            {
                return;
            }

            _waiters.Add((lines, reached));
        }

        try
        {
            await reached.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{lines} lines were not written within {timeout}; output so far:{Environment.NewLine}{this}");
        }
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }
}
