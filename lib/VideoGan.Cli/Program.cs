using VideoGan.Cli;
using VideoGan.Runtime;

// The `videogan` command: each verb is a class in Verbs/ implementing IVerb, found by reflection,
// and each is a few lines over a library call that a notebook cell also makes.
TorchRuntime.Initialize();
return CommandLine.Run(args);
