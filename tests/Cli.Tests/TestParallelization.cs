// Several command tests swap Console.Error for a StringWriter to read what a command reports there; Console.Error is
// process-wide, so test classes running in parallel could write into another test's (disposed) writer. The CLI tests
// run one at a time (the suite takes seconds).
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
