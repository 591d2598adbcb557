namespace WattBit.Formats;

/// <summary>
/// Thrown when a model value (a site, its connection, a job, a battery) is invalid. <see cref="Field"/> names the offending field (for example
/// <c>battery.charge_efficiency</c>) so that a scenario reader can point at the line that set it.
/// </summary>
public sealed class ModelValidationException : ArgumentException
{
    /// <summary>Creates the exception for a field.</summary>
    /// <param name="field">The field name, snake_case as in scenario files.</param>
    /// <param name="message">What is wrong, as a sentence that names the field.</param>
    public ModelValidationException(string field, string message) : base(message, field) => Field = field;

    /// <summary>Creates the exception for a field of a named site or workload.</summary>
    /// <param name="subject">Id of the site or workload the field belongs to.</param>
    /// <param name="field">The field name, snake_case as in scenario files.</param>
    /// <param name="message">What is wrong.</param>
    public ModelValidationException(string subject, string field, string message) : this(field, message) => Subject = subject;

    /// <summary>Creates the exception with a message only.</summary>
    public ModelValidationException(string message) : this("model", message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ModelValidationException(string message, Exception innerException) : base(message, innerException) => Field = "model";

    /// <summary>Creates the exception with a default message.</summary>
    public ModelValidationException() : this("model", "The model is invalid.")
    {
    }

    /// <summary>Returns <paramref name="value"/> when it is finite and not negative.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">The field it sets, snake_case as in scenario files.</param>
    /// <exception cref="ModelValidationException">The value is negative, infinite or NaN; the message names the field.</exception>
    public static double RequireNonNegative(double value, string field) =>
        double.IsFinite(value) && value >= 0
            ? value
            : throw new ModelValidationException(field, $"{field} must be a finite, non-negative number (got {value}).");

    /// <summary>The offending field, snake_case as in scenario files.</summary>
    public string Field { get; }

    /// <summary>Id of the site or workload the field belongs to, when known.</summary>
    public string? Subject { get; }

    /// <summary>The message without the parameter suffix that <see cref="ArgumentException"/> appends.</summary>
    public override string Message => base.Message.Replace($" (Parameter '{ParamName}')", string.Empty, StringComparison.Ordinal);
}
