using System.CommandLine;

namespace WattBit.Cli.Commands;

/// <summary>
/// Every top-level command of <c>wattbit</c>. Each command group lives in its own file in this folder and exposes a
/// static <c>Create(TimeProvider)</c> (or <c>Create()</c>) that returns a <see cref="Command"/>; add it here with one line.
/// </summary>
internal static class CommandCatalog
{
    /// <summary>
    /// What <c>wattbit --help</c> says about the program, with a legend of the Japanese grid terms the commands use
    /// (空き容量, ②, ③), so that a reader who meets them in a command's help or output knows what they mean.
    /// </summary>
    public const string RootDescription =
        """
        WattBit: plan and operate the grid (watt) and compute (bit) together — headroom, workload shifting, siting.

        Terms used in the commands and their output:
          空き容量  grid headroom (akiyōryō): the MW the grid can take for new load at a place and hour without new lines.
          ②         dynamic headroom: with all equipment in service (N-0); it follows the hourly power flow. A provisional
                    profile (暫定運用) is its daily shape safe all year: the least headroom seen at each hour of the day.
          ③         N-1 headroom with a curtailment device: the reserve kept for a single failure, usable by a load that
                    accepts being tripped or limited when one branch fails (and during planned maintenance).
        """;

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
