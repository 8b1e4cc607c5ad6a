// Leader election and locks (LeaderLatch, LeaderSelector, InterProcessMutex, ...): exported here.
export {};
