import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type StateEvent, type ZooKeeperClient, ZooKeeperError } from "../../mod.ts";
import { deferred, sharedConnectString } from "../support/zookeeper.ts";

describe("the send frame limit for credentials", () => {
  let zk: ZooKeeperClient;
  const states: StateEvent[] = [];

  before(async () => {
    zk = await connect(sharedConnectString());
    zk.on("state", (s) => states.push(s));
  });
  after(() => zk.close());

  test("an auth packet over maxFrameSize is refused before it is sent or stored; the session stays up and later credentials work", async () => {
    // The server drops a connection carrying a frame over jute.maxbuffer, and credentials are
    // replayed on every connection: sent, this one made the session reconnect forever and
    // addAuth never settled.
    const settled = deferred<unknown>(10_000, "addAuth to settle");
    zk.addAuth("digest", `alice:${"x".repeat(1_100_000)}`).then(
      () => settled.resolve(undefined),
      (e: unknown) => settled.resolve(e),
    );
    const error = await settled.promise;
    assert.ok(error instanceof ZooKeeperError && error.code === "BadArguments", String(error));
    assert.match(error.message, /over the 1048575-byte frame limit/);
    await zk.addAuth("digest", "alice:secret");
    const identities = await zk.whoAmI();
    assert.ok(identities.some((i) => i.authScheme === "digest" && i.user === "alice"), JSON.stringify(identities));
    assert.deepEqual(states, [], "the connection was never dropped");
  });
});
