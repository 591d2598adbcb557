using System.CommandLine;
using System.Text;
using WattBit.Cli;
using WattBit.Cli.Commands;

Console.OutputEncoding = Encoding.UTF8;
if (Console.IsOutputRedirected)
{
    // Files and pipes have no width: keep every command's tables and messages on whole lines, not 80 columns.
    Spectre.Console.AnsiConsole.Profile.Width = 120;
}

var root = new RootCommand(CommandCatalog.RootDescription);
foreach (var command in CommandCatalog.All(TimeProvider.System))
{
    root.Subcommands.Add(command);
}

return await CliApp.InvokeAsync(root, args);
