using KvmTune.Cli;

return await KvmTuneApp.RunAsync(args).ConfigureAwait(false);
