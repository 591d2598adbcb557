using WattBit.Areas;
using WattBit.Headroom;
using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Engine;

/// <summary>
/// The grid a host composes for a scenario's <c>grid</c> section (docs/simulation.md): the headroom layer the sites'
/// limits come from and the inter-area ties moved load must fit. The simulator reads only these Core contracts; the CLI
/// computes the Japan backbone's layer and ties. Immutable and thread-safe.
/// </summary>
/// <param name="Layer">The headroom layer holding every site's substation over the period, or null when limits come from the connection model.</param>
/// <param name="Ties">The inter-area ties (empty when moves between areas are not limited).</param>
public sealed record SimulationGrid(IHeadroomLayer? Layer, IReadOnlyList<AreaTie> Ties)
{
    /// <summary>No layer and no ties: the connection model, moves between areas unlimited.</summary>
    public static SimulationGrid None { get; } = new(null, []);

    /// <summary>
    /// The substation of every site, in scenario order: the one it names, else the nearest of <paramref name="substations"/>
    /// with coordinates within <see cref="GridSpec.MaxKm"/> (30 km by default).
    /// </summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="substations">The substations to choose from (a layer's, or a model's before its layer is computed).</param>
    /// <param name="model">The model's name, for messages.</param>
    /// <exception cref="ArgumentException">A site names an unknown substation or has none within reach (the message names the site, its line, the nearest substation and its distance).</exception>
    public static IReadOnlyList<Substation> SiteSubstations(SimulationScenario scenario, IEnumerable<Substation> substations, string model)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(substations);
        var all = substations.ToList();
        var byId = all.GroupBy(s => s.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var maxKm = scenario.Grid?.MaxKm ?? 30;
        var result = new Substation[scenario.Sites.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var site = scenario.Sites[i];
            if (site.Substation is { } named)
            {
                result[i] = byId.TryGetValue(named, out var s) ? s
                    : throw new ArgumentException($"site '{site.Id}' (line {site.Line}): '{named}' is not a substation of the headroom layer ({model}); `wattbit grid layer` lists ids such as TK:新古河.");
                continue;
            }

            try
            {
                result[i] = HeadroomLayers.Nearest(all, site.Location, maxKm, model).Substation;
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"site '{site.Id}' (line {site.Line}): {e.Message} Name its substation, or raise grid.max_km.", e);
            }
        }

        return result;
    }
}
