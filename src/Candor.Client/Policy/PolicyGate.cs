using Candor.Client.Diagnostics;
using Candor.Client.Events;
using Candor.Core.Model;
using Candor.Core.Policy;

namespace Candor.Client.Policy;

/// <summary>The decision for every event of the catalog under the current policy, precomputed whenever the policy
/// changes into one array indexed by event handle (the hot path is one volatile read and one array load), and into
/// each event's <see cref="PolicyCell"/>, which generated typed methods read directly.</summary>
internal sealed class PolicyGate
{
    private readonly EventTable _table;
    private readonly double _deviceSample;
    private FilterReason[] _reasons;
    private TenantPolicy _policy;

    public PolicyGate(EventTable table, TenantPolicy initial, double deviceSample)
    {
        _table = table;
        _deviceSample = deviceSample;
        _policy = initial;
        _reasons = Compute(initial);
        Publish(_reasons);
    }

    public TenantPolicy Policy => Volatile.Read(ref _policy);

    /// <summary>None when the event may be collected, otherwise why not.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public FilterReason Check(int index) => Volatile.Read(ref _reasons)[index];

    public FilterReason Check(string name) =>
        _table.TryResolve(name, out var handle) ? Check(handle.Index) : FilterReason.UnknownEvent;

    public void Apply(TenantPolicy policy)
    {
        var reasons = Compute(policy);
        Volatile.Write(ref _policy, policy);
        Volatile.Write(ref _reasons, reasons);
        Publish(reasons);
    }

    private void Publish(FilterReason[] reasons)
    {
        for (var i = 0; i < reasons.Length; i++)
        {
            // A byte: readers see the old decision or the new one, never a mix.
            _table.Slots[i].Policy.Reason = reasons[i];
        }

        Interlocked.MemoryBarrier();
    }

    private FilterReason[] Compute(TenantPolicy policy)
    {
        var family = _table.Catalog.Family.Levels;
        var reasons = new FilterReason[_table.Slots.Length];
        for (var i = 0; i < reasons.Length; i++)
        {
            var slot = _table.Slots[i];
            var d = slot.Definition;
            reasons[i] =
                !slot.AppliesToProduct ? FilterReason.UnknownProduct :
                slot.Expired ? FilterReason.ExpiredEvent :
                !policy.CollectionOn ? FilterReason.CollectionOff :
                !EnumSet.Contains(family, d.Level) || !EnumSet.Contains(policy.Levels, d.Level) ? FilterReason.LevelNotAllowed :
                !EnumSet.Contains(policy.Categories, d.Category) ? FilterReason.CategoryNotAllowed :
                _deviceSample >= d.Sampling ? FilterReason.SampledOut :
                FilterReason.None;
        }

        return reasons;
    }
}
