/**
 * `stormkeeper watch` across a reconnect gap: the built command talks to the real ZooKeeper
 * through the fault proxy; while its connection is down the test changes the cluster, and once
 * the connection is back watch must report every change made during the gap.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Proxy, startProxy } from "../support/proxy.ts";
import { sharedConnectString } from "../support/zookeeper.ts";
import { type SeededRoot, seededRoot, startCli, vectorBytes } from "./support.ts";

describe("stormkeeper watch and a reconnect gap", () => {
  let box: SeededRoot;
  let proxy: Proxy;
  before(async () => {
    box = await seededRoot("cli-gap");
    proxy = await startProxy(Number(sharedConnectString().split(":")[1]));
  });
  after(async () => {
    await proxy.close();
    await box.dispose();
  });

  test("changes made while the connection was cut are printed after it reconnects", async () => {
    // A 10 s session outlives the gap, so this is a reconnection, not a new session.
    const watch = startCli(["watch", "--zk", proxy.connectString, "--root", box.root, "--timeout", "10"]);
    try {
      await watch.waitFor(/ watching /);
      // Down: the open connection is cut, and new ones get no answer until the hole is healed.
      proxy.blackhole(["toServer", "toClient"]);
      proxy.cutAll();
      const at = (path: string) => `${box.root}${path}`;
      await box.zk.create(at("/storms/gap-1"), vectorBytes("StormBase with only required fields"));
      await box.zk.create(at("/supervisors/sup-gap"), vectorBytes("SupervisorInfo with every field"));
      await box.zk.create(at("/errors/wc-1/count/e0000000002"), vectorBytes("ErrorInfo without host and port"));
      await box.zk.delete(at("/workerbeats/wc-1/sup-1-6700"));
      await new Promise((r) => setTimeout(r, 1500));
      const duringGap = watch.lines.length;
      assert.ok(
        !watch.lines.some((l) => /topology gap-1 |supervisor sup-gap |new error|heartbeat gone/.test(l)),
        `nothing seen while cut off:\n${watch.lines.join("\n")}`,
      );

      proxy.blackhole([]);
      proxy.cutAll();
      const back = await watch.waitFor(
        /^\d\d:\d\d:\d\d (reconnected|new session) after \d+\.\d s: re-reading$/,
        30_000,
        duringGap,
      );
      const expected = [
        /^\d\d:\d\d:\d\d topology gap-1 added \(wordcount, ACTIVE\)$/,
        /^\d\d:\d\d:\d\d topology wc-1 worker sup-1:6700 heartbeat gone$/,
        /^\d\d:\d\d:\d\d topology wc-1 count: new error on \?:\?: $/,
        /^\d\d:\d\d:\d\d supervisor sup-gap joined \(host-1\)$/,
      ];
      for (const pattern of expected) {
        const index = await watch.waitFor(pattern, 20_000, duringGap);
        assert.ok(index > back, `${pattern} printed after the reconnection`);
      }
      const reported = watch.lines.slice(back + 1).filter((l) =>
        /topology gap-1 |supervisor sup-gap |new error|heartbeat gone/.test(l)
      );
      assert.equal(reported.length, expected.length, `each change once:\n${reported.join("\n")}`);
    } finally {
      assert.equal(await watch.interrupt(), 0, "Ctrl-C ends watch with status 0");
    }
  });
});
