/**
 * CuratorCache interop with Apache Curator 5.4 itself (tests/recipes/java/CuratorCachePeer.java):
 * our cache sees what a Curator writer does, and Curator's CuratorCache sees our writes with the
 * same events as ours.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ZooKeeperClient } from "../../src/zookeeper.ts";
import { type ChildData, CuratorCache } from "../../src/recipes.ts";
import { compileJava, type JavaPeer, startJava } from "../support/java.ts";
import { type Sandbox, sandbox, sharedConnectString, until } from "../support/zookeeper.ts";
import { enc } from "../support/fixtures.ts";

const text = (d: ChildData | undefined): string => (d === undefined ? "-" : new TextDecoder().decode(d.data));

let box: Sandbox;
let java: JavaPeer;

before(async () => {
  box = await sandbox("recipes-cache-curator");
  java = startJava(compileJava("tests/recipes/java/CuratorCachePeer.java"), [sharedConnectString()]);
  assert.equal(await java.next(60_000), "ready");
});
after(async () => {
  await java?.stop();
  await box?.dispose();
});

/** A cache whose events are recorded as the peer prints them: `TYPE path old new`. */
async function ourCache(zk: ZooKeeperClient, path: string): Promise<{ cache: CuratorCache; events: string[] }> {
  const cache = new CuratorCache(zk, path);
  const events: string[] = [];
  cache.listenable().addListener({
    event: (type, oldData, data) => events.push(`${type} ${(data ?? oldData)!.path} ${text(oldData)} ${text(data)}`),
  });
  await cache.start();
  return { cache, events };
}

/** Polls the peer until it has recorded `count` events (more would fail the comparison). */
async function javaEvents(count: number): Promise<string[]> {
  const all: string[] = [];
  for (let i = 0; i < 200 && all.length < count; i++) {
    const line = await java.ask("cache.events");
    assert.match(line, /^events /);
    const got = line.slice("events ".length);
    if (got !== "") all.push(...got.split(";"));
    if (all.length < count) await new Promise((r) => setTimeout(r, 50));
  }
  return all;
}

describe("CuratorCache with Curator 5.4", () => {
  test("our cache sees a Curator writer's creates, changes and deletes", async () => {
    const root = `${box.root}/java-writes`;
    const { cache, events } = await ourCache(box.zk, root);
    const commands = [
      `create ${root} r0`,
      `create ${root}/a a0`,
      `set ${root}/a a1`,
      `create ${root}/a/b b0`,
      `delete ${root}/a/b`,
      `set ${root} r1`,
    ];
    // Each step waits for its event: a cache reads a created node's data when its watch reports
    // it (Curator's does too), so a node deleted before that read is rightly never reported, and
    // sending all six at once would test that race on a loaded machine, not the cache.
    for (const [i, command] of commands.entries()) {
      assert.equal(await java.ask(command), "ok", command);
      await until(() => events.length > i, 10_000, `the event of ${command}`);
    }
    assert.deepEqual(events, [
      `NODE_CREATED ${root} - r0`,
      `NODE_CREATED ${root}/a - a0`,
      `NODE_CHANGED ${root}/a a0 a1`,
      `NODE_CREATED ${root}/a/b - b0`,
      `NODE_DELETED ${root}/a/b b0 -`,
      `NODE_CHANGED ${root} r0 r1`,
    ]);
    assert.equal(text(cache.get(`${root}/a`)), "a1");
    await cache.close();
  });

  test("Curator's CuratorCache sees our writes with the same events as ours, initial load included", async () => {
    const root = `${box.root}/our-writes`;
    await box.zk.create(root, enc("r0"));
    await box.zk.create(`${root}/pre`, enc("p0"));
    assert.equal(await java.ask(`cache.start ${root}`), "ok");
    const { cache, events } = await ourCache(box.zk, root);
    await until(() => events.length >= 2, 10_000, "our initial load");
    // Curator reports its initial load in no fixed order: compare it as a set.
    const initial = await javaEvents(2);
    assert.deepEqual(new Set(initial), new Set(events.slice(0, 2)));
    for (let i = 0; i < 20 && (await java.ask("cache.initialized")) !== "true"; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await java.ask("cache.initialized"), "true");

    // One write at a time, each seen by both caches before the next: two quick writes to one
    // node may reach a cache as one change (its read after the first event sees the second).
    const writes = [
      () => box.zk.create(`${root}/x`, enc("x0")),
      () => box.zk.setData(`${root}/x`, enc("x1")),
      () => box.zk.create(`${root}/x/y`, enc("y0")),
      () => box.zk.setData(`${root}/pre`, enc("p1")),
      () => box.zk.delete(`${root}/x/y`),
      () => box.zk.delete(`${root}/x`),
      () => box.zk.setData(root, enc("r1")),
    ];
    const live: string[] = [];
    for (const [i, write] of writes.entries()) {
      await write();
      await until(() => events.length >= 3 + i, 10_000, `our event ${i + 1}`);
      live.push(...(await javaEvents(1)));
    }
    assert.deepEqual(live, events.slice(2));
    assert.deepEqual(live, [
      `NODE_CREATED ${root}/x - x0`,
      `NODE_CHANGED ${root}/x x0 x1`,
      `NODE_CREATED ${root}/x/y - y0`,
      `NODE_CHANGED ${root}/pre p0 p1`,
      `NODE_DELETED ${root}/x/y y0 -`,
      `NODE_DELETED ${root}/x x1 -`,
      `NODE_CHANGED ${root} r0 r1`,
    ]);
    assert.equal(await java.ask("cache.size"), `size ${cache.size()}`);
    await cache.close();
  });
});
