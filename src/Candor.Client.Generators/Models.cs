using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace System.Runtime.CompilerServices
{
    /// <summary>Lets netstandard2.0 code declare records and init-only properties.</summary>
    internal static class IsExternalInit
    {
    }
}

namespace Candor.Client.Generators
{
    /// <summary>An immutable array compared by its elements, so that pipeline models compare by value and the
    /// generator's steps can be cached.</summary>
    internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IEnumerable<T>
        where T : IEquatable<T>
    {
        private readonly ImmutableArray<T> _items;

        public EquatableArray(ImmutableArray<T> items) => _items = items;

        public int Count => _items.IsDefault ? 0 : _items.Length;

        public T this[int index] => _items[index];

        public bool Equals(EquatableArray<T> other)
        {
            if (Count != other.Count)
            {
                return false;
            }

            for (var i = 0; i < Count; i++)
            {
                if (!EqualityComparer<T>.Default.Equals(_items[i], other._items[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

        public override int GetHashCode()
        {
            var hash = 17;
            for (var i = 0; i < Count; i++)
            {
                hash = unchecked((hash * 31) + EqualityComparer<T>.Default.GetHashCode(_items[i]));
            }

            return hash;
        }

        public IEnumerator<T> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return _items[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>A place in an additional file: its path, offset and zero-based line and column.</summary>
    internal sealed record SourcePosition(string Path, int Offset, int Line, int Column);

    /// <summary>A diagnostic to report, described by value (Roslyn's Diagnostic and Location do not compare by
    /// value, so they are built only at the output step).</summary>
    internal sealed record DiagnosticInfo(string Id, string Message, SourcePosition Position);

    /// <summary>One field of an event, as the generator needs it.</summary>
    internal sealed record FieldModel(string Name, string Type, bool Required, string Description, EquatableArray<string> Values);

    /// <summary>One event of the catalog, as the generator needs it.</summary>
    internal sealed record EventModel(
        string Name,
        string Description,
        string Level,
        bool AllProducts,
        EquatableArray<string> Products,
        EquatableArray<FieldModel> Fields,
        SourcePosition Position);

    /// <summary>A parsed catalog file, or the reason it could not be read.</summary>
    internal sealed record CatalogModel(
        string Path,
        string FamilyId,
        string ContentHash,
        EquatableArray<string> ProductIds,
        EquatableArray<EventModel> Events,
        DiagnosticInfo? Error);

    /// <summary>The MSBuild settings of the generator: the namespace of the generated code and the product whose
    /// events are generated (empty for every event of the family).</summary>
    internal sealed record GeneratorSettings(string Namespace, string ProductId);
}
