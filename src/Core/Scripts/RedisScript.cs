using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace PopupStore.Core.Scripts;

/// <summary>
/// A Lua script shipped as an embedded <c>.lua</c> file, called by SHA. Redis forgets scripts when it
/// restarts, so a NOSCRIPT answer loads it again and retries once: the script is loaded once per
/// Redis lifetime, never sent with every call.
/// </summary>
public sealed class RedisScript
{
    private RedisScript(string name, string source)
    {
        Name = name;
        Source = source;
        Sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(source));
    }

    public string Name { get; }

    public string Source { get; }

    public byte[] Sha1 { get; }

    public static RedisScript FromResource(string fileName)
    {
        var resource = $"PopupStore.Scripts.{fileName}";
        using var stream = typeof(RedisScript).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded script {resource} is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return new RedisScript(fileName, reader.ReadToEnd());
    }

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await database.ScriptEvaluateAsync(Sha1, keys, values);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            await LoadAsync(database.Multiplexer);
            return await database.ScriptEvaluateAsync(Sha1, keys, values);
        }
    }

    /// <summary>Loads the script on every primary so the first EVALSHA already hits.</summary>
    public async Task LoadAsync(IConnectionMultiplexer multiplexer)
    {
        foreach (var endpoint in multiplexer.GetEndPoints())
        {
            var server = multiplexer.GetServer(endpoint);
            if (server.IsConnected && !server.IsReplica)
            {
                await server.ScriptLoadAsync(Source);
            }
        }
    }
}
