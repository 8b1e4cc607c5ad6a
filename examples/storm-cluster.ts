/**
 * A tiny Storm cluster in ZooKeeper: a nimbus writes a topology, a supervisor heart-beats, a
 * worker reports an error, and an observer follows it all through one-shot callbacks.
 * Run: `npm run demo`.
 */
import { connect, createStormClusterState, executorKey } from "../mod.ts";

const server = process.env.ZK_CONNECT ?? "127.0.0.1:2181";
const root = `/storm-demo-${process.pid}`;
const nimbus = await createStormClusterState({ connectString: server, root });
const supervisor = await createStormClusterState({ connectString: server, root });
const observer = await createStormClusterState({ connectString: server, root });

/** A one-shot callback and a promise that settles when it fires. */
function callback(what: string) {
  let fire = () => {};
  const done = new Promise<void>((resolve) => (fire = () => (console.log(`callback: ${what}`), resolve())));
  return { fire: () => fire(), done };
}

const created = callback("storm base of wc-1 changed");
await observer.stormBase("wc-1", created.fire);
await nimbus.activateStorm("wc-1", {
  name: "wordcount",
  status: "ACTIVE",
  numWorkers: 1,
  componentExecutors: { spout: 1, count: 1 },
});
await created.done;

const joined = callback("supervisors changed");
await observer.supervisors(joined.fire);
await supervisor.supervisorHeartbeat("sup-1", {
  timeSecs: Math.floor(Date.now() / 1000),
  hostname: "host-1",
  meta: [6700],
});
await joined.done;

await nimbus.setAssignment("wc-1", {
  masterCodeDir: "/stormdist/wc-1",
  nodeHost: { "sup-1": "host-1" },
  executorNodePort: {
    [executorKey(1, 1)]: { node: "sup-1", port: [6700] },
    [executorKey(2, 2)]: { node: "sup-1", port: [6700] },
  },
  executorStartTimeSecs: {},
  workerResources: [],
  totalSharedOffHeap: {},
});
await supervisor.reportError("wc-1", "count", "host-1", 6700, new Error("count failed"));
console.log("errors of count:", (await observer.errors("wc-1", "count")).map((e) => e.error.split("\n")[0]));

const rebalanced = callback("storm base rebalanced");
await observer.stormBase("wc-1", rebalanced.fire);
await nimbus.updateStorm("wc-1", { status: "REBALANCING", componentExecutors: { count: 2 } });
await rebalanced.done;
console.log("executors now:", (await observer.stormBase("wc-1"))?.componentExecutors);

const left = callback("supervisor left (its ephemeral node vanished)");
await observer.supervisors(left.fire);
await supervisor.disconnect();
await left.done;

await Promise.all([nimbus.disconnect(), observer.disconnect()]);
const zk = await connect(server);
await zk.deleteRecursive(root);
await zk.close();
