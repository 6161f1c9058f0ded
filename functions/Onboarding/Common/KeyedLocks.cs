namespace Onboarding.Common;

/// <summary>
/// One async lock per key, for work that would otherwise race on one row (one person's concurrent
/// sign-ins): on this instance they take turns instead of losing ETag races and retrying; across
/// instances the ETag still decides. Locks live only while someone holds or waits for them.
/// </summary>
public sealed class KeyedLocks
{
    private readonly Dictionary<string, (SemaphoreSlim Lock, int Users)> _locks = new(StringComparer.Ordinal);

    /// <summary>Waits for the key's turn; the turn says whether someone else had it first (what they read may be stale now).</summary>
    public async Task<Turn> TakeAsync(string key, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate;
        lock (_locks)
        {
            var entry = _locks.TryGetValue(key, out var found) ? found : (new SemaphoreSlim(1, 1), 0);
            _locks[key] = (entry.Item1, entry.Item2 + 1);
            gate = entry.Item1;
        }

        var waited = !gate.Wait(0, CancellationToken.None); // free: no waiting at all
        try
        {
            if (waited)
            {
                await gate.WaitAsync(cancellationToken);
            }
        }
        catch
        {
            Release(key, held: false);
            throw;
        }

        return new Turn(this, key, waited);
    }

    private void Release(string key, bool held)
    {
        lock (_locks)
        {
            var (gate, users) = _locks[key];
            if (held)
            {
                gate.Release();
            }

            if (users == 1)
            {
                _locks.Remove(key);
                gate.Dispose();
            }
            else
            {
                _locks[key] = (gate, users - 1);
            }
        }
    }

    public sealed class Turn(KeyedLocks owner, string key, bool waited) : IDisposable
    {
        private int _disposed;

        public bool Waited { get; } = waited;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(key, held: true);
            }
        }
    }
}
