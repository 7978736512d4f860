using System.Globalization;
using System.Text;

namespace PopupStore.Deployment.Tests;

/// <summary>
/// A deliberately small YAML reader for the block-style files of this repository
/// (docker-compose.yml, Grafana provisioning, prometheus.yml): mappings, sequences,
/// plain / single-quoted / double-quoted scalars, flow sequences of scalars and comments.
/// Anchors, block scalars (| and >), flow mappings other than {} and multi-document files
/// are rejected rather than guessed at.
/// Result types: Dictionary&lt;string, object?&gt;, List&lt;object?&gt;, string or null.
/// </summary>
internal static class MiniYaml
{
    private sealed record Line(int Number, int Indent, string Text);

    public static object? Parse(string text)
    {
        var lines = new List<Line>();
        var number = 0;
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            number++;
            var content = StripComment(raw).TrimEnd();
            if (content.Trim().Length == 0)
            {
                continue;
            }

            if (content.TrimStart().StartsWith("---", StringComparison.Ordinal) && lines.Count == 0)
            {
                continue;
            }

            if (content.Contains('\t', StringComparison.Ordinal) && content.TrimStart(' ').StartsWith('\t'))
            {
                throw new FormatException($"line {number}: tab indentation");
            }

            var indent = content.Length - content.TrimStart(' ').Length;
            lines.Add(new Line(number, indent, content.Trim()));
        }

        if (lines.Count == 0)
        {
            return null;
        }

        var index = 0;
        var result = ParseBlock(lines, ref index, lines[0].Indent);
        if (index != lines.Count)
        {
            throw new FormatException($"line {lines[index].Number}: unexpected indentation");
        }

        return result;
    }

    public static Dictionary<string, object?> Map(object? node, string what) =>
        node as Dictionary<string, object?> ?? throw new FormatException($"{what} is not a mapping");

    public static List<object?> Seq(object? node, string what) =>
        node as List<object?> ?? throw new FormatException($"{what} is not a sequence");

    public static object? Get(object? node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not Dictionary<string, object?> map || !map.TryGetValue(key, out current))
            {
                return null;
            }
        }

        return current;
    }

    private static bool IsSequenceItem(string text) => text == "-" || text.StartsWith("- ", StringComparison.Ordinal);

    private static object? ParseBlock(List<Line> lines, ref int index, int indent) =>
        IsSequenceItem(lines[index].Text)
            ? ParseSequence(lines, ref index, indent)
            : ParseMapping(lines, ref index, indent);

    private static Dictionary<string, object?> ParseMapping(List<Line> lines, ref int index, int indent)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (index < lines.Count)
        {
            var line = lines[index];
            if (line.Indent < indent)
            {
                break;
            }

            if (line.Indent > indent)
            {
                throw new FormatException($"line {line.Number}: unexpected indentation");
            }

            if (IsSequenceItem(line.Text))
            {
                break;
            }

            var colon = FindKeyColon(line.Text);
            if (colon < 0)
            {
                throw new FormatException($"line {line.Number}: expected 'key: value'");
            }

            var key = Unquote(line.Text[..colon].Trim(), line.Number);
            var rest = line.Text[(colon + 1)..].Trim();
            if (map.ContainsKey(key))
            {
                throw new FormatException($"line {line.Number}: duplicate key '{key}'");
            }

            index++;
            if (rest.Length > 0)
            {
                map[key] = ParseScalarOrFlow(rest, line.Number);
            }
            else if (index < lines.Count && (lines[index].Indent > indent ||
                                             (lines[index].Indent == indent && IsSequenceItem(lines[index].Text))))
            {
                map[key] = ParseBlock(lines, ref index, lines[index].Indent);
            }
            else
            {
                map[key] = null;
            }
        }

        return map;
    }

    private static List<object?> ParseSequence(List<Line> lines, ref int index, int indent)
    {
        var list = new List<object?>();
        while (index < lines.Count)
        {
            var line = lines[index];
            if (line.Indent != indent || !IsSequenceItem(line.Text))
            {
                if (line.Indent > indent)
                {
                    throw new FormatException($"line {line.Number}: unexpected indentation");
                }

                break;
            }

            var content = line.Text.Length > 1 ? line.Text[2..] : string.Empty;
            var offset = line.Text.Length > 1 ? 2 + (content.Length - content.TrimStart(' ').Length) : 2;
            content = content.Trim();
            if (content.Length == 0)
            {
                index++;
                list.Add(index < lines.Count && lines[index].Indent > indent
                    ? ParseBlock(lines, ref index, lines[index].Indent)
                    : null);
            }
            else if (IsSequenceItem(content) || FindKeyColon(content) >= 0)
            {
                // "- key: value" (or "- - x"): the item is a block starting at the content column.
                lines[index] = line with { Indent = indent + offset, Text = content };
                list.Add(ParseBlock(lines, ref index, indent + offset));
            }
            else
            {
                list.Add(ParseScalarOrFlow(content, line.Number));
                index++;
            }
        }

        return list;
    }

    private static object? ParseScalarOrFlow(string text, int number)
    {
        if (text.StartsWith('['))
        {
            if (!text.EndsWith(']'))
            {
                throw new FormatException($"line {number}: unterminated flow sequence");
            }

            var items = new List<object?>();
            foreach (var part in SplitOutsideQuotes(text[1..^1], ','))
            {
                if (part.Trim().Length > 0)
                {
                    items.Add(Unquote(part.Trim(), number));
                }
            }

            return items;
        }

        if (text == "{}")
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        if (text.StartsWith('{') || text.StartsWith('&') || text.StartsWith('*') || text.StartsWith('|') || text.StartsWith('>'))
        {
            throw new FormatException($"line {number}: YAML feature not supported by this reader: {text}");
        }

        var value = Unquote(text, number);
        return text is "~" or "null" ? null : value;
    }

    private static string Unquote(string text, int number)
    {
        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'')
        {
            return text[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }

        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            var builder = new StringBuilder();
            for (var i = 1; i < text.Length - 1; i++)
            {
                var c = text[i];
                if (c != '\\')
                {
                    builder.Append(c);
                    continue;
                }

                i++;
                if (i >= text.Length - 1)
                {
                    throw new FormatException($"line {number}: dangling escape");
                }

                builder.Append(text[i] switch
                {
                    'n' => '\n',
                    't' => '\t',
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    _ => throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"line {number}: escape \\{text[i]}")),
                });
            }

            return builder.ToString();
        }

        return text;
    }

    /// <summary>Index of the ':' that ends a mapping key (followed by space or end), outside quotes; -1 if none.</summary>
    private static int FindKeyColon(string text)
    {
        if (text.StartsWith('[') || text.StartsWith('{'))
        {
            return -1;
        }

        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == '\\' && quote == '"')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            if ((c == '"' || c == '\'') && i == 0)
            {
                quote = c;
                continue;
            }

            if (c == ':' && (i == text.Length - 1 || text[i + 1] == ' '))
            {
                return i;
            }
        }

        return -1;
    }

    private static string StripComment(string line)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is not null)
            {
                if (c == '\\' && quote == '"')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            if (c is '"' or '\'' && (i == 0 || " [,:-".Contains(line[i - 1], StringComparison.Ordinal)))
            {
                quote = c;
            }
            else if (c == '#' && (i == 0 || line[i - 1] == ' '))
            {
                return line[..i];
            }
        }

        return line;
    }

    private static IEnumerable<string> SplitOutsideQuotes(string text, char separator)
    {
        var start = 0;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == '\\' && quote == '"')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == separator)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }
}
