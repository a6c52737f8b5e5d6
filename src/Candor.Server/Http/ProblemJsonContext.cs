using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace Candor.Server.Http;

/// <summary>Source-generated JSON for problem details: no reflection on the error path.</summary>
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(Guid))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class ProblemJsonContext : JsonSerializerContext;
