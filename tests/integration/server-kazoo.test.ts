import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { connect, type ZooKeeperClient } from "../../mod.ts";
import { type ServerHandle, startServer } from "../../src/server.ts";
import { enc } from "../support/fixtures.ts";

const scenario = join(dirname(fileURLToPath(import.meta.url)), "peers", "kazoo_scenario.py");

/** kazoo (Debian's python3-kazoo), a client nobody here wrote, against the embedded server. */
describe("kazoo against the embedded server", () => {
  let server: ServerHandle;
  let zk: ZooKeeperClient;

  before(async () => {
    server = await startServer();
    zk = await connect(server.connectString);
  });
  after(async () => {
    await zk.close();
    await server.close();
  });

  test("create, versioned sets, a data watch, an ephemeral member gone with its session, transactions", async () => {
    await zk.create("/kazoo");
    await zk.create("/kazoo/from-ts", enc("hello from stormkeeper"));
    // Debian's python3 (where python3-kazoo lives), whatever python3 comes first on PATH.
    const { stdout } = await promisify(execFile)("/usr/bin/python3", [scenario, server.connectString, "/kazoo"], {
      timeout: 60_000,
    });
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(seen, {
      fromTs: "hello from stormkeeper",
      created: { path: "/k", data: "one", version: 0 },
      setVersion: 1,
      staleSet: "BadVersionError",
      duplicate: "NodeExistsError",
      dataWatch: [["CHANGED", "/k"]],
      member: "/members/m-0000000000",
      membersSeen: [["m-0000000000"], []],
      tx: ["/kazoo/tx", true, "ZnodeStat"],
      failedTx: ["RolledBackError", "NoNodeError"],
      rolledBackExists: false,
      final: { data: "in-tx", version: 3 },
      missing: "NoNodeError",
    });
    assert.equal(new TextDecoder().decode((await zk.getData("/kazoo/from-kazoo")).data), "hello from kazoo");
    assert.deepEqual((await zk.getChildren("/kazoo")).children.sort(), ["from-kazoo", "from-ts", "k", "members", "tx"]);
  });
});
