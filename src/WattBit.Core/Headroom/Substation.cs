using WattBit.Areas;
using WattBit.Sites;

namespace WattBit.Headroom;

/// <summary>
/// A substation (node) of the headroom layer: where a data centre can connect. Immutable and thread-safe.
/// </summary>
/// <param name="Id">Stable id used by every face (server routes, siting, scenario files); for example "TK:新古河" (area code and name) or "bus-14".</param>
/// <param name="Name">Display name (Japanese for the Japan model).</param>
/// <param name="Area">The TSO area, when known.</param>
/// <param name="VoltageKv">Highest voltage class, kV (NaN when unknown).</param>
/// <param name="Location">Coordinates, when known (MATPOWER cases carry none).</param>
public sealed record Substation(string Id, string Name, GridArea? Area, double VoltageKv, GeoPoint? Location);
