/**
 * The ZooKeeper client in one page: connect, create/get/set/children, a watch firing, and an
 * ephemeral node vanishing when its session closes. Run: `npm run demo`.
 */
import { connect } from "../mod.ts";

const server = process.env.ZK_CONNECT ?? "127.0.0.1:2181";
const text = new TextEncoder();
const root = `/stormkeeper-demo-${process.pid}`;

const zk = await connect(server, { sessionTimeout: 10_000 });
console.log(`connected: session 0x${zk.sessionId.toString(16)}, timeout ${zk.sessionTimeout} ms`);

await zk.create(root, text.encode("jobs"));
const job = await zk.create(`${root}/job-`, text.encode("build"), { mode: "persistent-sequential" });
console.log(`created ${job.path}`);

const { data, stat } = await zk.getData(root);
console.log(`${root} = ${new TextDecoder().decode(data)} (version ${stat.version})`);

const changed = new Promise<string>((resolve) => {
  zk.getData(root, { watch: (event) => resolve(`${event.type} on ${event.path}`) });
});
await zk.setData(root, text.encode("jobs v2"), { version: stat.version });
console.log(`watch fired: ${await changed}`);

const { children } = await zk.getChildren(root);
console.log(`children of ${root}: ${children.join(", ")}`);

// A second session owns an ephemeral node; closing that session removes it.
const worker = await connect(server);
await worker.create(`${root}/worker`, undefined, { mode: "ephemeral" });
const vanished = new Promise<string>((resolve) => {
  zk.exists(`${root}/worker`, { watch: (event) => resolve(event.type) });
});
await worker.close();
console.log(`ephemeral node after its session closed: ${await vanished}`);

await zk.deleteRecursive(root);
await zk.close();
console.log(`closed: ${zk.state}`);
