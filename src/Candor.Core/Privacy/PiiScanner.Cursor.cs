namespace Candor.Core.Privacy;

/// <summary>Merging the detectors' matches into findings.</summary>
public sealed partial class PiiScanner
{
    /// <summary>Merges the detectors' ordered matches into ordered, non-overlapping findings: a k-way merge that keeps
    /// each detector's next match and asks it for another only when that one is used. When the scanned text is a
    /// folded copy, each finding is mapped back onto the original value.</summary>
    private ref struct Cursor
    {
        private readonly PiiScanner _scanner;
        private readonly ReadOnlySpan<char> _value;
        private readonly Span<Candidate> _pending;
        private readonly FoldedText _map;
        private readonly bool _mapped;
        private int _active;
        private bool _hasAhead;
        private PiiFinding _ahead;

        public Cursor(PiiScanner scanner, ReadOnlySpan<char> value, int detectors, Span<Candidate> pending, FoldedText map)
        {
            _scanner = scanner;
            _value = value;
            _pending = pending;
            _map = map;
            _mapped = !map.IsEmpty;
            _hasAhead = false;
            _ahead = default;
            _active = 0;
            for (var d = 0; d < DetectorCount; d++)
            {
                if ((detectors & (1 << d)) != 0 && scanner.Find(d, value, 0, out var match))
                {
                    _pending[d] = match;
                    _active |= 1 << d;
                }
            }
        }

        /// <summary>The next finding, in the original value's positions.</summary>
        public bool MoveNext(out PiiFinding finding)
        {
            if (!_mapped)
            {
                return MoveNextScanned(out finding);
            }

            if (!_hasAhead && !MoveNextMapped(out _ahead))
            {
                finding = default;
                return false;
            }

            // Two findings of the folded copy can share an original character when one folded character came from
            // several (a ligature split between them): they become one finding, so ranges never overlap.
            finding = _ahead;
            _hasAhead = false;
            while (MoveNextMapped(out var next))
            {
                if (next.Start >= finding.End)
                {
                    _ahead = next;
                    _hasAhead = true;
                    break;
                }

                var kind = next.Length > finding.Length ? next.Kind : finding.Kind;
                finding = new PiiFinding(kind, finding.Start, Math.Max(finding.End, next.End) - finding.Start);
            }

            return true;
        }

        private bool MoveNextMapped(out PiiFinding finding)
        {
            if (!MoveNextScanned(out var scanned))
            {
                finding = default;
                return false;
            }

            var (start, end) = _map.MapBack(scanned.Start, scanned.End);
            finding = new PiiFinding(scanned.Kind, start, end - start);
            return true;
        }

        private bool MoveNextScanned(out PiiFinding finding)
        {
            var best = -1;
            for (var d = 0; d < DetectorCount; d++)
            {
                if ((_active & (1 << d)) == 0)
                {
                    continue;
                }

                var candidate = _pending[d];
                if (best < 0 || candidate.Start < _pending[best].Start ||
                    (candidate.Start == _pending[best].Start && candidate.Length > _pending[best].Length))
                {
                    best = d;
                }
            }

            if (best < 0)
            {
                finding = default;
                return false;
            }

            var first = _pending[best];
            var end = first.End;
            var kind = first.Kind;
            var kindLength = first.Length;
            Advance(best);

            // Absorb every match that overlaps the finding so far, until none does.
            bool absorbed;
            do
            {
                absorbed = false;
                for (var d = 0; d < DetectorCount; d++)
                {
                    if ((_active & (1 << d)) == 0 || _pending[d].Start >= end)
                    {
                        continue;
                    }

                    var overlapping = _pending[d];
                    end = Math.Max(end, overlapping.End);
                    if (overlapping.Length > kindLength)
                    {
                        kind = overlapping.Kind;
                        kindLength = overlapping.Length;
                    }

                    Advance(d);
                    absorbed = true;
                }
            }
            while (absorbed);

            finding = new PiiFinding(kind, first.Start, end - first.Start);
            return true;
        }

        private void Advance(int detector)
        {
            if (_scanner.Find(detector, _value, _pending[detector].End, out var next))
            {
                _pending[detector] = next;
            }
            else
            {
                _active &= ~(1 << detector);
            }
        }
    }
}
