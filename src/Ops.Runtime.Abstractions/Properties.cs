using System.Runtime.CompilerServices;

// The runtime sets the grain context while it constructs a grain (see Grain's constructor).
[assembly: InternalsVisibleTo("Ops.Runtime")]
