using Ops.Cli.Commands;

return await OpsctlCommand.RunAsync(args);
