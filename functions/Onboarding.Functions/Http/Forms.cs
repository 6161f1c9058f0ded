using Microsoft.AspNetCore.Http;
using System.Text;
using Onboarding.Common;

namespace Onboarding.Functions.Http;

/// <summary>Reads the service's own small HTML forms, refusing anything else before reading a byte of it.</summary>
public static class Forms
{
    /// <summary>The largest form the service's pages can send (a few hidden fields).</summary>
    public const long MaxBytes = 16 * 1024;

    public static async Task<IFormCollection> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Only what the pages send: urlencoded, in UTF-8 (or no charset). Any other charset is refused
        // here, before the framework would look it up (UTF-7 throws).
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || !(type.Charset.Length == 0 || type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            throw new OnboardingException(ApiError.ContentTypeInvalid);
        }

        if (request.ContentLength is > MaxBytes)
        {
            throw new OnboardingException(ApiError.PayloadTooLarge, "The form is too large.");
        }

        try
        {
            return await request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions
            {
                ValueCountLimit = 32,
                ValueLengthLimit = 4096,
                KeyLengthLimit = 64,
                BufferBodyLengthLimit = MaxBytes,
            }, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or IOException or DecoderFallbackException)
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "The form could not be read.");
        }
    }
}
