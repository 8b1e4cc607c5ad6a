// Shared values, barriers and CuratorCache: exported here.
export {};
