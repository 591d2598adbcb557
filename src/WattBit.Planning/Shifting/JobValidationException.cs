namespace WattBit.Planning.Shifting;

/// <summary>Thrown when a job cannot be shifted against a signal (unknown location, window outside the signal, missing signal values).</summary>
public sealed class JobValidationException : ArgumentException
{
    /// <summary>Creates the exception for the job at <paramref name="jobIndex"/> and the field that is wrong.</summary>
    public JobValidationException(int jobIndex, string field, string message) : base(message)
    {
        JobIndex = jobIndex;
        Field = field;
    }

    /// <summary>Creates the exception with a message.</summary>
    public JobValidationException(string message) : base(message) => Field = string.Empty;

    /// <summary>Creates the exception with a message and its cause.</summary>
    public JobValidationException(string message, Exception innerException) : base(message, innerException) => Field = string.Empty;

    /// <summary>Creates the exception with a default message.</summary>
    public JobValidationException() : this("A job cannot be shifted against this signal.")
    {
    }

    /// <summary>Index of the job in the input list.</summary>
    public int JobIndex { get; }

    /// <summary>The field at fault: "locations", "release" or "deadline".</summary>
    public string Field { get; }
}
