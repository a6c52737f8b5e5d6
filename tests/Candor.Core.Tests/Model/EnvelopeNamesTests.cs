using System.Reflection;
using System.Text;
using System.Text.Json;
using Candor.Core.Model;

namespace Candor.Core.Tests.Model;

public sealed class EnvelopeNamesTests
{
    [Fact]
    public void Every_encoded_name_is_its_plain_utf8_so_readers_can_match_it_byte_for_byte()
    {
        var names = typeof(EnvelopeNames).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).ToList();
        var encoded = typeof(EnvelopeNames.Encoded).GetFields(BindingFlags.Public | BindingFlags.Static);

        Assert.Equal(names.Select(n => n.Name).Order(), encoded.Select(e => e.Name).Order());
        foreach (var field in encoded)
        {
            var text = (JsonEncodedText)field.GetValue(null)!;
            var plain = (string)names.Single(n => n.Name == field.Name).GetValue(null)!;
            Assert.Equal(Encoding.UTF8.GetBytes(plain), text.EncodedUtf8Bytes.ToArray());
        }
    }

    [Fact]
    public void Device_paths_join_the_device_object_and_its_property()
    {
        Assert.Equal("device.osVersion", EnvelopeNames.DevicePaths.OsVersion);
        Assert.Equal("device.class", EnvelopeNames.DevicePaths.Class);
    }

    [Fact]
    public void Enum_set_membership_is_exact()
    {
        IReadOnlyList<DataLevel> required = [DataLevel.Required];

        Assert.True(EnumSet.Contains(required, DataLevel.Required));
        Assert.False(EnumSet.Contains(required, DataLevel.Optional));
        Assert.False(EnumSet.Contains<DataCategory>([], DataCategory.ProductAndServiceUsage));
    }
}
