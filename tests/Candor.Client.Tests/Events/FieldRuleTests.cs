using Candor.Client.Events;
using Candor.Core.Catalog;
using Candor.Core.Model;
using Xunit;

namespace Candor.Client.Tests.Events;

public sealed class FieldRuleTests
{
    private static readonly FieldRule Status = new(new FieldDefinition
    {
        Name = "toStatus",
        Type = FieldType.Enum,
        Required = true,
        // Not literals: the catalog's values come from JSON, so they are not the interned instances either.
        Values = [new string("traveling".ToCharArray()), new string("in_progress".ToCharArray())],
    });

    [Fact]
    public void An_enum_value_is_accepted_whether_or_not_it_is_the_interned_instance()
    {
        Assert.True(Status.Accepts(FieldValue.From("in_progress")));
        var built = new string("in_progress".ToCharArray());
        Assert.False(ReferenceEquals(built, "in_progress"));
        Assert.True(Status.Accepts(FieldValue.From(built)));
    }

    [Fact]
    public void An_enum_value_outside_the_catalog_a_wrong_kind_or_a_missing_required_value_is_refused()
    {
        Assert.False(Status.Accepts(FieldValue.From("arrived")));
        Assert.False(Status.Accepts(FieldValue.From("IN_PROGRESS")));
        Assert.False(Status.Accepts(FieldValue.From(1L)));
        Assert.False(Status.Accepts(FieldValue.Absent));
    }

    [Fact]
    public void A_string_longer_than_its_limit_is_refused_and_an_absent_optional_value_is_accepted()
    {
        var note = new FieldRule(new FieldDefinition { Name = "note", Type = FieldType.String, MaxLength = 3 });
        Assert.True(note.Accepts(FieldValue.From("abc")));
        Assert.False(note.Accepts(FieldValue.From("abcd")));
        Assert.True(note.Accepts(FieldValue.Absent));
    }

    [Fact]
    public void A_double_kept_in_the_integers_bits_reads_back_exactly_and_is_checked_as_a_double()
    {
        foreach (var number in new[] { 0.0, -0.0, 2.5, -1e-300, double.MaxValue, double.Epsilon })
        {
            var value = FieldValue.From(number);
            Assert.Equal(FieldValueKind.Double, value.Kind);
            Assert.Equal(BitConverter.DoubleToInt64Bits(number), BitConverter.DoubleToInt64Bits(value.Number));
        }

        var ratio = new FieldRule(new FieldDefinition { Name = "ratio", Type = FieldType.Double, Required = true });
        Assert.True(ratio.Accepts(FieldValue.From(2.5)));
        Assert.False(ratio.Accepts(FieldValue.From(double.NaN)));
        Assert.False(ratio.Accepts(FieldValue.From(double.PositiveInfinity)));
        Assert.False(ratio.Accepts(FieldValue.From(4L)));
    }
}
