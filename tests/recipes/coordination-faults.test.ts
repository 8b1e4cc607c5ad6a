/**
 * LeaderSelector and SharedCount under a fault proxy: a leader whose connection goes silent
 * stops leading (its signal aborts on SUSPENDED) before the server ends its session and hands
 * leadership on; a count changed while a process was cut off reaches it after the reconnection.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { connect, type ZooKeeperClient } from "../../src/zookeeper.ts";
import { LeaderSelector, SharedCount } from "../../src/recipes.ts";
import { type Proxy, startProxy } from "../support/proxy.ts";
import { deferred, type Sandbox, sandbox, sharedConnectString, until } from "../support/zookeeper.ts";

let box: Sandbox;
let proxy: Proxy;
const clients: ZooKeeperClient[] = [];

before(async () => {
  box = await sandbox("recipes-coordination-faults");
  proxy = await startProxy(Number(sharedConnectString().split(":")[1]));
});
after(async () => {
  for (const zk of clients) await zk.close().catch(() => {});
  await proxy.close();
  await box.dispose();
});

test("a leader cut off from the server stops before the next one starts: never two leaders acting at once", async () => {
  const path = `${box.root}/selector`;
  const cutOff = await connect(proxy.connectString, { sessionTimeout: 6_000 });
  const healthy = await connect(sharedConnectString(), { sessionTimeout: 6_000 });
  clients.push(cutOff, healthy);
  let acting = 0;
  let maxActing = 0;
  const events: string[] = [];
  const leader = (id: string) => (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      maxActing = Math.max(maxActing, ++acting);
      events.push(`${id} leads`);
      signal.addEventListener("abort", () => {
        events.push(`${id} stops`);
        acting--;
        resolve();
      }, { once: true });
    });
  const a = new LeaderSelector(cutOff, path, leader("a"), { id: "a" });
  const b = new LeaderSelector(healthy, path, leader("b"), { id: "b" });
  a.autoRequeue();
  a.start();
  await until(() => a.hasLeadership(), 10_000, "a leads");
  b.start();
  proxy.blackhole(["toServer", "toClient"]);
  await until(() => b.hasLeadership(), 30_000, "b leads once a's session ends");
  proxy.blackhole([]);
  assert.deepEqual(events, ["a leads", "a stops", "b leads"]);
  assert.equal(maxActing, 1);
  await Promise.all([a.close(), b.close()]);
});

test("a connection cut interrupts the leader (SUSPENDED); with autoRequeue it leads again once reconnected", async () => {
  const path = `${box.root}/selector-requeue`;
  const zk = await connect(proxy.connectString, { sessionTimeout: 6_000 });
  clients.push(zk);
  const events: string[] = [];
  const selector = new LeaderSelector(zk, path, (signal) =>
    new Promise<void>((resolve) => {
      events.push("leads");
      signal.addEventListener("abort", () => {
        events.push("stops");
        resolve();
      }, { once: true });
    }));
  selector.autoRequeue();
  selector.start();
  await until(() => selector.hasLeadership(), 10_000, "leadership");
  proxy.cutAll();
  await until(() => events.length >= 3, 30_000, "leadership again after the reconnection");
  assert.deepEqual(events.slice(0, 3), ["leads", "stops", "leads"]);
  // The same session reconnected: one lock node, ours.
  assert.equal((await zk.getChildren(path)).children.length, 1);
  await selector.close();
});

test("a count changed while a process is cut off reaches it after the reconnection", async () => {
  const path = `${box.root}/count`;
  const zk = await connect(proxy.connectString, { sessionTimeout: 6_000 });
  clients.push(zk);
  const cutOff = new SharedCount(zk, path, 0);
  const writer = new SharedCount(box.zk, path, 0);
  await cutOff.start();
  await writer.start();
  const heard = deferred<number>(20_000, "the change after the reconnection");
  cutOff.on("change", (n) => {
    if (n === 41) heard.resolve(n);
  });
  const reconnected = deferred<void>(20_000, "RECONNECTED");
  zk.on("connectionState", (state) => {
    if (state === "RECONNECTED") reconnected.resolve();
  });
  // Black-holed, so the change cannot reach it over this connection; then the connection drops.
  proxy.blackhole(["toServer", "toClient"]);
  await writer.setCount(41);
  proxy.cutAll();
  proxy.blackhole([]);
  await reconnected.promise;
  assert.equal(await heard.promise, 41);
  assert.equal(cutOff.getCount(), 41);
  await Promise.all([cutOff.close(), writer.close()]);
});
