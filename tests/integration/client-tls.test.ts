import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, Perms, type WatchedEvent, type ZooKeeperClient, ZooKeeperError } from "../../mod.ts";
import { enc, isCode, suiteServer } from "../support/fixtures.ts";
import {
  deferred,
  nextState,
  realServerOnly,
  startTlsServer,
  type TlsTestServer,
  uniqueRoot,
} from "../support/zookeeper.ts";

describe("TLS connections (Netty secureClientPort)", realServerOnly("TLS"), () => {
  let server: TlsTestServer;

  suiteServer(() => startTlsServer(), (s) => (server = s));

  test("a session over TLS verifies the server against the given CA and carries requests and watches", async () => {
    const zk = await connect(server.tlsConnectString, { tls: { ca: server.ca }, sessionTimeout: 10_000 });
    const other = await connect(server.connectString);
    try {
      const root = uniqueRoot("tls");
      await zk.create(root, enc("over tls"));
      const fired = deferred<WatchedEvent>(10_000, "data watch over TLS");
      const { data } = await zk.getData(root, { watch: fired.resolve });
      assert.deepEqual(data, enc("over tls"));
      await other.setData(root, enc("changed in the clear"));
      assert.deepEqual(await fired.promise, { type: "NodeDataChanged", state: "SyncConnected", path: root });
      const { path } = await zk.create(`${root}/e-`, undefined, { mode: "ephemeral-sequential" });
      assert.ok((await other.exists(path)) !== null);
      await zk.close();
      assert.equal(await other.exists(path), null, "the ephemeral node went with the TLS session");
      await other.deleteRecursive(root);
    } finally {
      await Promise.all([zk.close(), other.close()]);
    }
  });

  test("a client certificate signed by the server's trusted CA is the session's x509 identity, usable in ACLs", async () => {
    const withCert = await connect(server.tlsConnectString, {
      tls: { ca: server.ca, cert: server.clientCert, key: server.clientKey },
    });
    const withoutCert = await connect(server.tlsConnectString, { tls: { ca: server.ca } });
    try {
      const identities = await withCert.whoAmI();
      assert.ok(
        identities.some((i) => i.authScheme === "x509" && i.user === "CN=stormkeeper-client"),
        JSON.stringify(identities),
      );
      assert.ok(!(await withoutCert.whoAmI()).some((i) => i.authScheme === "x509"));
      const root = uniqueRoot("tls-acl");
      await withCert.create(root, enc("for the certificate only"), {
        acl: [{ perms: Perms.ALL, id: { scheme: "x509", id: "CN=stormkeeper-client" } }],
      });
      assert.deepEqual((await withCert.getData(root)).data, enc("for the certificate only"));
      await assert.rejects(withoutCert.getData(root), isCode("NoAuth"));
      await withCert.delete(root);
    } finally {
      await Promise.all([withCert.close(), withoutCert.close()]);
    }
  });

  test("after a server restart the same session resumes over TLS: ephemerals survive, watches fire", async () => {
    const zk = await connect(server.tlsConnectString, { tls: { ca: server.ca }, sessionTimeout: 20_000 });
    try {
      const { path } = await zk.create(uniqueRoot("tls-restart"), undefined, { mode: "ephemeral" });
      const session = zk.sessionId;
      const deleted = deferred<WatchedEvent>(20_000, "the watch set before the restart");
      await zk.exists(path, { watch: deleted.resolve });
      const reconnected = nextState(zk, "reconnected", 30_000);
      server.stop();
      server.start();
      await reconnected;
      assert.equal(zk.sessionId, session);
      assert.ok(await zk.exists(path), "the ephemeral node survived");
      await zk.delete(path);
      assert.equal((await deleted.promise).type, "NodeDeleted");
    } finally {
      await zk.close();
    }
  });

  test("a server whose certificate is not trusted never gets a session: connect fails with ConnectionLoss saying why", async () => {
    // No `ca`: the runtime's public roots do not include the test CA.
    const error = await connect(server.tlsConnectString, { tls: true, initialConnectTimeout: 2_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isCode("ConnectionLoss")(error), String(error));
    assert.match(String(error), /last attempt: .*certificate/i);
    assert.ok((error as ZooKeeperError).cause instanceof Error);
  });

  test("a certificate for another name fails hostname verification", async () => {
    const error = await connect(server.tlsConnectString, {
      tls: { ca: server.ca, servername: "zk.other.example" },
      initialConnectTimeout: 2_000,
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(isCode("ConnectionLoss")(error), String(error));
    assert.match(String(error), /last attempt: .*(altnames|zk\.other\.example|hostname|certificate)/i);
  });

  test("tls and a custom transport together, or a tls value of the wrong type, are refused before connecting", async () => {
    await assert.rejects(
      connect(server.tlsConnectString, { tls: true, transport: () => ({ write() {}, close() {} }) }),
      isCode("BadArguments"),
    );
    await assert.rejects(
      connect(server.tlsConnectString, { tls: "yes" as unknown as boolean }),
      isCode("BadArguments"),
    );
  });
});
