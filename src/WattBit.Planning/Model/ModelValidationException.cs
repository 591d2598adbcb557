namespace WattBit.Planning.Model;

/// <summary>
/// Thrown when a planning model value is invalid. <see cref="Field"/> names the offending field (for example
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
    public ModelValidationException() : this("model", "The planning model is invalid.")
    {
    }

    /// <summary>The offending field, snake_case as in scenario files.</summary>
    public string Field { get; }

    /// <summary>Id of the site or workload the field belongs to, when known.</summary>
    public string? Subject { get; }

    /// <summary>The message without the parameter suffix that <see cref="ArgumentException"/> appends.</summary>
    public override string Message => base.Message.Replace($" (Parameter '{ParamName}')", string.Empty, StringComparison.Ordinal);
}
