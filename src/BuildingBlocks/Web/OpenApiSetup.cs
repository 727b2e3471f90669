using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>An example body for a request or response type, shown in the OpenAPI document and the /docs reference.</summary>
public sealed record OpenApiExample(Type Type, JsonNode Example);

/// <summary>
/// A request field the endpoint requires although its type is nullable (validated at the edge, so that a missing value
/// gets a validation problem naming the field): keeps it in the schema's <c>required</c> list. Use as <c>[property: RequiredInSchema]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredInSchemaAttribute : Attribute;

/// <summary>
/// The OpenAPI document of a process. The host calls <c>AddOpenApi("v1", OpenApiSetup.Configure)</c> itself, because
/// the XML-comment source generator only describes types for the compilation that makes that call.
/// </summary>
public static class OpenApiSetup
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static IServiceCollection AddOpenApiExample<T>(this IServiceCollection services, T example) =>
        services.AddSingleton(new OpenApiExample(typeof(T), JsonSerializer.SerializeToNode(example, Json)!));

    /// <summary>
    /// Documents a file upload: <c>multipart/form-data</c> with one file in <paramref name="field"/>, and, when given, the
    /// file as the raw body of <paramref name="rawContentType"/>. Documented, not declared with <c>Accepts</c>: that would
    /// make routing answer 415 before authentication.
    /// </summary>
    public static TBuilder DocumentFileUpload<TBuilder>(this TBuilder builder, string field, string description, string? rawContentType = null)
        where TBuilder : IEndpointConventionBuilder
    {
        var content = new Dictionary<string, OpenApiMediaType>();
        if (rawContentType is not null) content[rawContentType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
        content["multipart/form-data"] = new()
        {
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { field },
                Properties = new Dictionary<string, IOpenApiSchema> { [field] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
            },
        };
        var body = new OpenApiRequestBody { Required = true, Description = description, Content = content };
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = body;
            return Task.CompletedTask;
        });
    }

    public static void Configure(OpenApiOptions o)
    {
        // Feature slices nest short names (CreateWorkspace.Request); qualify them so each gets its own schema.
        o.CreateSchemaReferenceId = info =>
        {
            var id = OpenApiOptions.CreateDefaultSchemaReferenceId(info);
            var declaring = info.Type.DeclaringType;
            return id is not null && declaring is not null && !id.StartsWith(declaring.Name, StringComparison.Ordinal) ? declaring.Name + id : id;
        };
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "TaskFlow API",
                Version = "v1",
                Description = "TaskFlow Pro and the commerce platform. Sign in with POST /v1/auth/login and send the access token as `Authorization: Bearer <token>`. Errors are RFC 9457 problem details.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "Access token from POST /v1/auth/login.",
            };
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var anonymous = metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any();
            var authorized = metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any();
            if (authorized && !anonymous)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [] });
            }
            return Task.CompletedTask;
        });
        o.AddSchemaTransformer((schema, context, _) =>
        {
            var type = context.JsonTypeInfo.Type;
            // Positional records make every constructor parameter "required"; a nullable field is optional unless marked.
            if (schema.Required is { Count: > 0 } required)
                foreach (var property in context.JsonTypeInfo.Properties)
                    if ((property.IsSetNullable || Nullable.GetUnderlyingType(property.PropertyType) is not null)
                        && property.AttributeProvider?.IsDefined(typeof(RequiredInSchemaAttribute), inherit: true) != true)
                        required.Remove(property.Name);
            var example = context.ApplicationServices.GetServices<OpenApiExample>().FirstOrDefault(e => e.Type == type);
            if (example is not null) schema.Examples = [example.Example.DeepClone()];
            return Task.CompletedTask;
        });
    }
}
