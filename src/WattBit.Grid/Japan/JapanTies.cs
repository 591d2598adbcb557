using WattBit.Areas;

namespace WattBit.Grid.Japan;

/// <summary>How an inter-area tie is modelled.</summary>
public enum TieKind
{
    /// <summary>An AC line: an impedance branch (two circuits).</summary>
    Ac,

    /// <summary>An HVDC line: a controllable link.</summary>
    Hvdc,

    /// <summary>50/60 Hz frequency converters: a controllable link.</summary>
    FrequencyConverter,

    /// <summary>A back-to-back HVDC station: a controllable link.</summary>
    BackToBack,
}

/// <summary>One route of an OCCTO tie between two stations of the backbone (a tie may have several routes).</summary>
/// <param name="OcctoName">OCCTO's <c>intertieName</c>.</param>
/// <param name="Kind">AC branch or controllable link.</param>
/// <param name="FromArea">Area code of the positive-direction source (as OCCTO reports the tie).</param>
/// <param name="FromStation">Canonical station name in <paramref name="FromArea"/>.</param>
/// <param name="ToArea">Area code of the target.</param>
/// <param name="ToStation">Canonical station name in <paramref name="ToArea"/>.</param>
/// <param name="Share">For a link: its share of the tie's flow (converters split by capacity); 1 for AC routes.</param>
/// <param name="CapacityMw">Route capacity, MW (links and AC ties: the interconnection's capacity times the share).</param>
public sealed record JapanTieRoute(string OcctoName, TieKind Kind, string FromArea, string FromStation, string ToArea, string ToStation, double Share, double CapacityMw);

/// <summary>
/// The ten inter-area ties of Japan as routes between backbone stations (decision 0100): the tie stations are public
/// knowledge (OCCTO's tie names name them); capacities come from interconnections.csv. Thread-safe.
/// </summary>
public static class JapanTies
{
    /// <summary>The routes, in OCCTO's tie order north to south.</summary>
    public static IReadOnlyList<JapanTieRoute> Routes { get; } =
    [
        new("北海道・本州間電力連系設備", TieKind.Hvdc, "HKD", "北斗", "TH", "上北", 1, 900),
        new("相馬双葉幹線", TieKind.Ac, "TH", "南相馬", "TK", "新福島", 1, 5150),
        new("周波数変換設備", TieKind.FrequencyConverter, "TK", "新信濃", "CB", "信濃", 600.0 / 2100, 600),
        new("周波数変換設備", TieKind.FrequencyConverter, "TK", "新信濃", "CB", "飛騨", 900.0 / 2100, 900),
        new("周波数変換設備", TieKind.FrequencyConverter, "TK", "新富士", "CB", "佐久間", 300.0 / 2100, 300),
        new("周波数変換設備", TieKind.FrequencyConverter, "TK", "新富士", "CB", "東清水", 300.0 / 2100, 300),
        new("三重東近江線", TieKind.Ac, "CB", "三重", "KN", "東近江", 1, 2500),
        new("南福光連系所・南福光変電所の連系設備", TieKind.BackToBack, "CB", "南福光", "HR", "南福光", 1, 300),
        new("越前嶺南線", TieKind.Ac, "HR", "越前", "KN", "嶺南", 1, 1900),
        new("西播東岡山線・山崎智頭線", TieKind.Ac, "KN", "西播", "CG", "東岡山", 1, 2070),
        new("西播東岡山線・山崎智頭線", TieKind.Ac, "KN", "山崎", "CG", "智頭", 1, 2070),
        new("阿南紀北直流幹線", TieKind.Hvdc, "SK", "阿南", "KN", "紀北", 1, 1400),
        new("本四連系線", TieKind.Ac, "CG", "東岡山", "SK", "讃岐", 1, 1200),
        new("関門連系線", TieKind.Ac, "CG", "新山口", "KY", "北九州", 1, 2470),
    ];

    /// <summary>
    /// The ten ties as the Core <see cref="AreaTie"/> engines read (the simulator's moves between areas): one per OCCTO
    /// tie, its capacity the interconnection's (an AC tie's routes each carry it; a controllable tie's links add up).
    /// </summary>
    public static IReadOnlyList<AreaTie> AreaTies() =>
    [
        .. Routes.GroupBy(r => r.OcctoName).Select(g =>
        {
            var first = g.First();
            var capacity = first.Kind == TieKind.Ac ? g.Max(r => r.CapacityMw) : g.Sum(r => r.CapacityMw);
            return new AreaTie(g.Key, JapanAreas.Get(first.FromArea), JapanAreas.Get(first.ToArea), capacity);
        }),
    ];
}
