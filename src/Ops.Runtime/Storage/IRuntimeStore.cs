namespace Ops.Runtime.Storage;

/// <summary>Everything the runtime stores, as one service (one implementation per dialect).</summary>
public interface IRuntimeStore : IClusterStore, ILeaseStore, IGrainStateStore, IReminderStore, IInboxStore;
