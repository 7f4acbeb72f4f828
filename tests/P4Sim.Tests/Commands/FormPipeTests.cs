namespace P4Flow.P4Sim.Tests.Commands;

/// <summary>
/// "p4 user -o | p4 user -i": both ends of the pipe run at once. The -i side must read its form before it locks the
/// depot, or it would hold the lock while the -o side waits for it to print that very form.
/// </summary>
public sealed class FormPipeTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    [Fact]
    public async Task UserOutputPipedToUserInput_BothFinish()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var stdin = new GatedReader(deadline.Token);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var input = Task.Run(() => P4Simulator.Run(["user", "-i"], stdout, stderr, _p4.Environment, _p4.Root, stdin, deadline.Token));

        // Once -i is waiting for its form, -o must still get the depot; the deadline cancels its wait for the lock if not.
        await stdin.Reading.WaitAsync(deadline.Token);
        using var form = new StringWriter();
        using var formErrors = new StringWriter();
        Assert.Equal(0, await Task.Run(() => P4Simulator.Run(["user", "-o"], form, formErrors, _p4.Environment, _p4.Root, null, deadline.Token)));
        stdin.Release(form.ToString().Replace("Email:\tbob@ws", "Email:\tbob@example.com", StringComparison.Ordinal));

        Assert.Equal(0, await input);
        Assert.Equal("User bob saved.\n", stdout.ToString());
        Assert.Contains("Email:\tbob@example.com", _p4.Run("user", "-o").Out);
    }

    /// <summary>Standard input whose text arrives only when the test releases it, and that tells when it is first read.</summary>
    private sealed class GatedReader(CancellationToken cancellation) : TextReader
    {
        private readonly SemaphoreSlim _released = new(0);
        private readonly SemaphoreSlim _reading = new(0);
        private StringReader? _text;

        public SemaphoreSlim Reading => _reading;

        public void Release(string text)
        {
            _text = new StringReader(text);
            _released.Release();
        }

        public override int Peek() => Text().Peek();

        public override int Read() => Text().Read();

        public override string ReadToEnd() => Text().ReadToEnd();

        public override string? ReadLine() => Text().ReadLine();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _released.Dispose();
                _reading.Dispose();
                _text?.Dispose();
            }

            base.Dispose(disposing);
        }

        private StringReader Text()
        {
            if (_text is null)
            {
                _reading.Release();
                _released.Wait(cancellation);
            }

            return _text!;
        }
    }
}
