// Each test starts a real silo (and some a real Prometheus) on a small shared machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
