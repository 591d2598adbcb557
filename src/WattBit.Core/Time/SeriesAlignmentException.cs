namespace WattBit.Time;

/// <summary>Thrown when an operation needs time series (or instants) on the same grid and they are not.</summary>
public sealed class SeriesAlignmentException : Exception
{
    /// <summary>Creates the exception with a message that says what was misaligned.</summary>
    public SeriesAlignmentException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public SeriesAlignmentException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public SeriesAlignmentException() : base("Time series are not aligned.")
    {
    }
}
