using System.CommandLine;

namespace WattBit.Cli.Commands;

/// <summary>
/// Every top-level command of <c>wattbit</c>. Each command group lives in its own file in this folder and exposes a
/// static <c>Create(TimeProvider)</c> (or <c>Create()</c>) that returns a <see cref="Command"/>; add it here with one line.
/// </summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return
        [
            PlanCommands.Create(time),
            GridCommands.Create(time),
            SiteCommands.Create(time),
            DemoCommand.Create(),
            ShiftCommand.Create(),
            BestCommand.Create(),
            DataCommands.Create(time),
            SignalsCommands.Create(time),
            ForecastCommands.Create(time),
            ExecCommands.Create(time),
            SimulateCommands.Create(time),
            DrCommands.Create(time),
            MarketCommands.Create(time),
        ];
    }
}
