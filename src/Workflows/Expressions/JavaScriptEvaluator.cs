using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Runtime;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;

namespace P4Flow.Workflows.Expressions;

/// <summary>
/// Runs JavaScript through pooled Jint engines with time, memory, recursion and statement limits.
/// Scripts are parsed once and cached; engines are reused, never shared between threads.
/// </summary>
public sealed class JavaScriptEvaluator
{
    private const int MaxCachedScripts = 10_000;
    private readonly ExpressionOptions _options;
    private readonly ObjectPool<Engine> _engines;
    private readonly ConcurrentDictionary<string, Prepared<Script>> _scripts = new(StringComparer.Ordinal);

    public JavaScriptEvaluator(IOptions<ExpressionOptions> options)
    {
        _options = options.Value;
        _engines = new DefaultObjectPoolProvider { MaximumRetained = Environment.ProcessorCount * 4 }
            .Create(new EnginePolicy(_options));
    }

    /// <summary>Parses <paramref name="code"/>; the message says where it fails.</summary>
    public static string? SyntaxError(string code)
    {
        try
        {
            Engine.PrepareScript(Scoped(code));
            return null;
        }
        catch (Exception ex) when (IsParseError(ex))
        {
            return ParseMessage(ex);
        }
    }

    /// <summary>Evaluates <paramref name="code"/> with the given globals (JSON values) and returns its value as JSON.</summary>
    public JsonNode? Evaluate(string code, IReadOnlyDictionary<string, JsonNode?> globals)
    {
        var script = Prepare(code);
        var engine = _engines.Get();
        var healthy = false;
        var before = engine.Global.GetOwnPropertyKeys().ToHashSet();
        try
        {
            // A pooled engine still carries the time and memory limits of its previous script until Evaluate resets
            // them, and Jint's JSON parser checks them every few thousand characters: a large global (a sync's list of
            // 10,000 files) on an engine idle for longer than the time limit failed at once as if it had timed out.
            engine.Constraints.Reset();
            var parser = new Jint.Native.Json.JsonParser(engine);
            foreach (var (name, value) in globals)
                engine.SetValue(name, value is null ? JsValue.Null : parser.Parse(value.ToJsonString()));
            var result = engine.Evaluate(script);
            var json = result.IsUndefined() ? null : new Jint.Native.Json.JsonSerializer(engine).Serialize(result);
            healthy = true;
            return json is null || json.IsUndefined() ? null : JsonNode.Parse(json.AsString());
        }
        catch (JsonException ex)
        {
            throw new ExpressionException($"JavaScript returned a value that is not plain JSON data: {ex.Message}", ex);
        }
        catch (TimeoutException ex)
        {
            throw new ExpressionException($"JavaScript exceeded the time limit of {_options.Timeout.TotalMilliseconds:0} ms.", ex);
        }
        catch (MemoryLimitExceededException ex)
        {
            throw new ExpressionException($"JavaScript exceeded the memory limit of {_options.MemoryLimitBytes} bytes.", ex);
        }
        catch (RecursionDepthOverflowException ex)
        {
            throw new ExpressionException($"JavaScript exceeded the recursion limit of {_options.RecursionLimit} calls.", ex);
        }
        catch (StatementsCountOverflowException ex)
        {
            throw new ExpressionException($"JavaScript exceeded the limit of {_options.MaxStatements} statements.", ex);
        }
        catch (JavaScriptException ex)
        {
            healthy = true;
            throw new ExpressionException($"JavaScript threw: {ex.Message} (line {ex.Location.Start.Line}).", ex);
        }
        finally
        {
            // An engine stopped by a limit may be mid-way through anything; let it go. A healthy one is
            // returned without the globals this script added ('var' and functions), so no job sees another's.
            if (healthy)
            {
                foreach (var key in engine.Global.GetOwnPropertyKeys().Where(k => !before.Contains(k)).ToList())
                    engine.Global.RemoveOwnProperty(key);
                _engines.Return(engine);
            }
        }
    }

    private Prepared<Script> Prepare(string code)
    {
        if (_scripts.TryGetValue(code, out var prepared)) return prepared;
        try
        {
            prepared = Engine.PrepareScript(Scoped(code));
        }
        catch (Exception ex) when (IsParseError(ex))
        {
            throw new ExpressionException($"JavaScript does not parse: {ParseMessage(ex)}", ex);
        }
        if (_scripts.Count >= MaxCachedScripts) _scripts.Clear();
        _scripts[code] = prepared;
        return prepared;
    }

    // A block gives top-level let/const/class a scope of their own on a shared engine and keeps the
    // completion value ("{ let a = 1; a + 1 }" is 2). The brace shares the first line, so line numbers hold.
    private static string Scoped(string code) => "{" + code + "\n}";

    private static bool IsParseError(Exception ex) => ex is Acornima.ParseErrorException or JavaScriptException or ScriptPreparationException;

    private static string ParseMessage(Exception ex) => ex is ScriptPreparationException { InnerException: { } inner } ? inner.Message : ex.Message;

    private sealed class EnginePolicy(ExpressionOptions options) : PooledObjectPolicy<Engine>
    {
        public override Engine Create() => new(o =>
        {
            o.TimeoutInterval(options.Timeout)
                .LimitMemory(options.MemoryLimitBytes)
                .LimitRecursion(options.RecursionLimit)
                .MaxStatements(options.MaxStatements);
            o.Constraints.RegexTimeout = options.Timeout;
        });

        public override bool Return(Engine obj) => true;
    }
}
