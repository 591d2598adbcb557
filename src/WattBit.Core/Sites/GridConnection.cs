using WattBit.Formats;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Sites;

/// <summary>The kind of a site's grid connection.</summary>
public enum ConnectionKind
{
    /// <summary>A fixed contracted MW at every hour.</summary>
    Firm,

    /// <summary>A daily profile of 24 hourly MW values (provisional operation, 暫定運用).</summary>
    ProvisionalProfile,

    /// <summary>An hourly headroom series with optional forecast quantiles (dynamic headroom, 空き容量②).</summary>
    Flexible,
}

/// <summary>
/// Extra capacity usable under N-1 curtailment (空き容量③): <see cref="Extra"/> MW above the base connection that the
/// TSO may cut on a single-equipment fault with <see cref="Notice"/> warning.
/// </summary>
/// <param name="Extra">Additional MW usable in normal operation.</param>
/// <param name="Notice">Warning before a cut; zero means a trip without notice.</param>
public sealed record N1Curtailable(Power Extra, TimeSpan Notice);

/// <summary>
/// A site's grid connection: the one type for it, whether a scenario file, the server's API or a planning model states
/// it. The limit it imposes at an hour, at a required probability of staying within it, is <see cref="LimitAt"/>.
/// <para>
/// A connection may be stated before the headroom it follows is known: a flexible one that follows the headroom layer at
/// its <see cref="Substation"/>, a node's published headroom or its area's shape (<see cref="FlexibleFollowing"/>), or a
/// provisional one whose 24-hour profile is derived from that headroom (<see cref="ProvisionalUpTo"/>). Such a connection
/// is not <see cref="IsResolved"/> until its owner gives it the series (<see cref="WithHeadroom"/>) or the profile
/// (<see cref="WithProfile"/>); <see cref="Peak"/> keeps the MW it was stated with. Immutable.
/// </para>
/// </summary>
public sealed record GridConnection
{
    private readonly Power? _peak;

    private GridConnection(ConnectionKind kind, Power firm, double[]? profile, QuantileSeries? headroom, N1Curtailable? n1)
    {
        Kind = kind;
        Firm = firm;
        Profile = profile;
        Headroom = headroom;
        N1 = n1;
        if (n1 is not null)
        {
            ModelValidationException.RequireNonNegative(n1.Extra.Megawatts, "connection.n1_extra_mw");
            if (n1.Notice < TimeSpan.Zero)
            {
                throw new ModelValidationException("connection.n1_notice", "connection.n1_notice must not be negative.");
            }
        }
    }

    /// <summary>The kind of connection.</summary>
    public ConnectionKind Kind { get; }

    /// <summary>The fixed MW of a firm connection (zero otherwise).</summary>
    public Power Firm { get; }

    /// <summary>The 24 hourly MW values of a provisional profile, indexed by local hour of day (null otherwise).</summary>
    public IReadOnlyList<double>? Profile { get; }

    /// <summary>The headroom forecast (MW) of a flexible connection (null otherwise).</summary>
    public QuantileSeries? Headroom { get; }

    /// <summary>Optional N-1 curtailable extra capacity.</summary>
    public N1Curtailable? N1 { get; }

    /// <summary>
    /// The MW the connection was stated with, when stated: a firm connection's limit, the most a provisional or flexible
    /// connection allows (a scenario's <c>mw</c>). Null where the connection states none (a flexible connection that
    /// follows its node's published headroom alone). It is also the weight by which sites at one substation share its room.
    /// </summary>
    /// <exception cref="ModelValidationException">Set to a negative or non-finite value.</exception>
    public Power? Peak
    {
        get => Kind == ConnectionKind.Firm ? Firm : _peak;
        init
        {
            if (value is { } p && (!double.IsFinite(p.Megawatts) || p.Megawatts < 0))
            {
                throw new ModelValidationException("connection.mw", $"connection.mw must be a non-negative number (got {p.Megawatts}).");
            }

            _peak = value;
        }
    }

    /// <summary>
    /// Whether the connection can say its limit (<see cref="LimitAt"/>): firm, provisional with its profile, or flexible
    /// with its headroom series. A stated provisional or flexible connection waits for <see cref="WithProfile"/> or
    /// <see cref="WithHeadroom"/>.
    /// </summary>
    public bool IsResolved => Kind switch
    {
        ConnectionKind.Firm => true,
        ConnectionKind.ProvisionalProfile => Profile is not null,
        _ => Headroom is not null,
    };

    /// <summary>
    /// The substation of the headroom layer the connection is at (for example "TK:上尾"), when the scenario names it; its
    /// limits were then read from the layer unless typed.
    /// </summary>
    public string? Substation { get; init; }

    /// <summary>A firm connection of <paramref name="limit"/>.</summary>
    /// <exception cref="ModelValidationException">The limit is negative.</exception>
    public static GridConnection FirmOf(Power limit, N1Curtailable? n1 = null)
    {
        ModelValidationException.RequireNonNegative(limit.Megawatts, "connection.mw");
        return new(ConnectionKind.Firm, limit, null, null, n1);
    }

    /// <summary>A provisional daily profile: 24 MW values for local hours 0-23 (JST in scenarios).</summary>
    /// <exception cref="ModelValidationException">Not 24 values, or a value is negative.</exception>
    public static GridConnection ProvisionalOf(IReadOnlyList<double> hourlyMegawatts, N1Curtailable? n1 = null)
    {
        ArgumentNullException.ThrowIfNull(hourlyMegawatts);
        if (hourlyMegawatts.Count != 24)
        {
            throw new ModelValidationException("connection.profile_mw", $"connection.profile_mw needs 24 hourly values (got {hourlyMegawatts.Count}).");
        }

        foreach (var v in hourlyMegawatts)
        {
            ModelValidationException.RequireNonNegative(v, "connection.profile_mw");
        }

        return new(ConnectionKind.ProvisionalProfile, Power.Zero, [.. hourlyMegawatts], null, n1);
    }

    /// <summary>A flexible connection following a headroom forecast in MW (central value and quantiles).</summary>
    /// <exception cref="ModelValidationException">A central headroom value is negative.</exception>
    public static GridConnection FlexibleOf(QuantileSeries headroomMegawatts, N1Curtailable? n1 = null)
    {
        ArgumentNullException.ThrowIfNull(headroomMegawatts);
        foreach (var v in headroomMegawatts.Central.Values)
        {
            if (!double.IsNaN(v))
            {
                ModelValidationException.RequireNonNegative(v, "connection.headroom_mw");
            }
        }

        return new(ConnectionKind.Flexible, Power.Zero, null, headroomMegawatts, n1);
    }

    /// <summary>
    /// A flexible connection whose headroom series is given later (<see cref="WithHeadroom"/>): the headroom layer's at its
    /// <see cref="Substation"/>, its node's published headroom, or its area's shape, as its owner resolves it; at most
    /// <paramref name="peak"/> MW when stated.
    /// </summary>
    /// <exception cref="ModelValidationException">The peak is negative.</exception>
    public static GridConnection FlexibleFollowing(Power? peak = null, N1Curtailable? n1 = null) =>
        new(ConnectionKind.Flexible, Power.Zero, null, null, n1) { Peak = peak };

    /// <summary>
    /// A provisional connection (暫定運用) of at most <paramref name="peak"/> MW whose 24-hour profile is derived later from
    /// the headroom it follows (<see cref="WithProfile"/>; the one derivation is <c>WattBit.Headroom.ProvisionalProfile</c>).
    /// </summary>
    /// <exception cref="ModelValidationException">The peak is negative.</exception>
    public static GridConnection ProvisionalUpTo(Power peak, N1Curtailable? n1 = null) =>
        new(ConnectionKind.ProvisionalProfile, Power.Zero, null, null, n1) { Peak = peak };

    /// <summary>This flexible connection following <paramref name="headroomMegawatts"/>; its substation, peak and N-1 extra are kept.</summary>
    /// <exception cref="InvalidOperationException">The connection is not flexible.</exception>
    /// <exception cref="ModelValidationException">A central headroom value is negative.</exception>
    public GridConnection WithHeadroom(QuantileSeries headroomMegawatts)
    {
        if (Kind != ConnectionKind.Flexible)
        {
            throw new InvalidOperationException($"A {Kind} connection follows no headroom series.");
        }

        return FlexibleOf(headroomMegawatts, N1) with { Substation = Substation, Peak = _peak };
    }

    /// <summary>This provisional connection with its 24 JST-hour profile; its substation, peak and N-1 extra are kept.</summary>
    /// <exception cref="InvalidOperationException">The connection is not provisional.</exception>
    /// <exception cref="ModelValidationException">Not 24 values, or a value is negative.</exception>
    public GridConnection WithProfile(IReadOnlyList<double> hourlyMegawatts)
    {
        if (Kind != ConnectionKind.ProvisionalProfile)
        {
            throw new InvalidOperationException($"A {Kind} connection has no provisional profile.");
        }

        return ProvisionalOf(hourlyMegawatts, N1) with { Substation = Substation, Peak = _peak };
    }

    /// <summary>
    /// The grid limit for the hour starting at <paramref name="hourStart"/>. For a flexible connection the limit is the
    /// (1 - <paramref name="confidence"/>) quantile of the headroom forecast, so that the headroom exceeds the limit with
    /// probability <paramref name="confidence"/> (chance constraint met by its deterministic equivalent); a confidence of
    /// 0.5 or a forecast without quantiles uses the central value. N-1 extra capacity is added when
    /// <paramref name="includeN1"/> is true. Missing (NaN) headroom counts as zero.
    /// </summary>
    /// <param name="hourStart">Start of the hour.</param>
    /// <param name="confidence">Required probability of staying within headroom, in [0.5, 1).</param>
    /// <param name="includeN1">Whether to count N-1 curtailable extra capacity.</param>
    /// <param name="utcOffset">Offset of the local day used by a provisional profile (JST: +9 h).</param>
    /// <exception cref="SeriesAlignmentException">The flexible headroom series does not cover the hour.</exception>
    /// <exception cref="InvalidOperationException">The connection is stated but not resolved (<see cref="IsResolved"/>).</exception>
    public Power LimitAt(DateTimeOffset hourStart, double confidence, bool includeN1, TimeSpan utcOffset)
    {
        if (!IsResolved)
        {
            throw new InvalidOperationException($"This {Kind} connection{(Substation is null ? "" : $" at {Substation}")} has no " +
                $"{(Kind == ConnectionKind.Flexible ? "headroom series" : "profile")} yet: its owner resolves it before asking for limits.");
        }

        double mw;
        switch (Kind)
        {
            case ConnectionKind.Firm:
                mw = Firm.Megawatts;
                break;
            case ConnectionKind.ProvisionalProfile:
                mw = Profile![hourStart.ToOffset(utcOffset).Hour];
                break;
            default:
                var h = Headroom!;
                var i = h.Central.IndexOf(hourStart);
                var v = confidence <= 0.5 ? h.Central[i] : h.AtLevel(i, 1 - confidence);
                mw = double.IsNaN(v) ? 0 : Math.Max(0, v);
                break;
        }

        if (includeN1 && N1 is not null)
        {
            mw += N1.Extra.Megawatts;
        }

        return Power.FromMegawatts(mw);
    }
}
