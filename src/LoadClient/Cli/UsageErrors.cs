using System.CommandLine;

namespace PopupStore.LoadClient.Cli;

/// <summary>Picks the one parse error worth printing and words it for an operator.</summary>
public static class UsageErrors
{
    public static string Describe(ParseResult parse)
    {
        // An unknown word explains the other errors (a missing verb, an option of another verb): name it first.
        if (parse.UnmatchedTokens.Count > 0)
        {
            var token = parse.UnmatchedTokens[0];
            var command = parse.CommandResult.Command;
            var path = CommandPath(parse);
            if (token.StartsWith('-'))
            {
                return $"unknown option '{token}' for '{path}'";
            }

            var verbs = command.Subcommands.Select(c => c.Name).ToArray();
            return verbs.Length > 0
                ? $"unknown command '{token}' for '{path}' (expected one of: {string.Join(", ", verbs)})"
                : $"unexpected argument '{token}' for '{path}'";
        }

        if (parse.CommandResult.Command is { Action: null, Subcommands.Count: > 0 })
        {
            var verbs = parse.CommandResult.Command.Subcommands.Select(c => c.Name);
            return $"'{CommandPath(parse)}' needs a command: {string.Join(", ", verbs)}";
        }

        return parse.Errors[0].Message.TrimEnd('.');
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Parent is null ? PopupStoreCli.Name : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
