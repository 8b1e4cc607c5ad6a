import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  type ClientInfo,
  connect,
  type ConnectOptions,
  createClient,
  Perms,
  type SaslOptions,
  type StateEvent,
  tcpTransport,
  type TransportFactory,
  type WatchedEvent,
  type ZooKeeperClient,
} from "../../mod.ts";
import {
  deferred,
  endSession,
  nextState,
  realServerOnly,
  SASL_USERS,
  sharedConnectString,
  startSaslServer,
  startTlsServer,
  type TestServer,
  type TlsTestServer,
  uniqueRoot,
} from "../support/zookeeper.ts";
import { enc, isCode, suiteServer } from "../support/fixtures.ts";

const login = (username: keyof typeof SASL_USERS, password: string = SASL_USERS[username]): SaslOptions => ({
  mechanism: "DIGEST-MD5",
  username,
  password,
});
const has = (ids: readonly ClientInfo[], authScheme: string, user: string) =>
  ids.some((i) => i.authScheme === authScheme && i.user === user);
const saslAcl = (user: string) => [{ perms: Perms.ALL, id: { scheme: "sasl", id: user } }];

/** Rejects when `promise` has not settled within `ms`: a hang is a failure, not a stuck test. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** TCP to the real server, with each chunk from it rewritten (same length, so frames stay whole). */
function tampering(edit: (text: string) => string): TransportFactory {
  return (endpoint, handlers) =>
    tcpTransport(endpoint, {
      ...handlers,
      onData: (chunk) =>
        handlers.onData(new Uint8Array(Buffer.from(edit(Buffer.from(chunk).toString("latin1")), "latin1"))),
    });
}

/** Default-watcher events and state events of a client created with `createClient`, from the start. */
function observed(
  connectString: string,
  options: ConnectOptions,
): { zk: ZooKeeperClient; events: WatchedEvent[]; states: StateEvent[] } {
  const events: WatchedEvent[] = [];
  const zk = createClient(connectString, { ...options, watcher: (e) => events.push(e) });
  const states: StateEvent[] = [];
  zk.on("state", (s) => states.push(s));
  return { zk, events, states };
}

describe("SASL DIGEST-MD5 authentication", realServerOnly("SASL"), () => {
  let server: TestServer;
  let anonymous: ZooKeeperClient;
  let root: string;

  before(async () => {
    server = startSaslServer();
    anonymous = await connect(server.connectString);
    root = uniqueRoot("sasl");
    await anonymous.create(root);
  });
  after(async () => {
    try {
      const admin = await connect(server.connectString, { sasl: login("super") });
      await admin.deleteRecursive(root);
      await admin.close();
    } finally {
      await anonymous.close();
      server.destroy();
    }
  });

  test("a SASL login makes the session's identity sasl:<user>; SaslAuthenticated follows SyncConnected; states stay plain", async () => {
    const { zk, events, states } = observed(server.connectString, { sasl: login("alice") });
    try {
      await nextState(zk, "connected");
      const ids = await zk.whoAmI();
      assert.ok(has(ids, "sasl", "alice"), JSON.stringify(ids));
      assert.deepEqual(events.map((e) => [e.type, e.state, e.path]), [["None", "SyncConnected", null], [
        "None",
        "SaslAuthenticated",
        null,
      ]]);
      assert.deepEqual(states, ["connecting", "connected"]);
    } finally {
      await zk.close();
    }
  });

  test("passwords in ISO 8859-1 and beyond log in; the server's super user gets the super identity", async () => {
    for (const user of ["carol", "dora", "super"] as const) {
      const zk = await connect(server.connectString, { sasl: login(user) });
      try {
        const ids = await zk.whoAmI();
        assert.ok(has(ids, "sasl", user), JSON.stringify(ids));
        assert.equal(ids.some((i) => i.authScheme === "super"), user === "super");
      } finally {
        await zk.close();
      }
    }
  });

  test("an ACL for sasl:alice grants alice and denies an unauthenticated client and another SASL user (NoAuth)", async () => {
    const alice = await connect(server.connectString, { sasl: login("alice") });
    const carol = await connect(server.connectString, { sasl: login("carol") });
    try {
      await alice.create(`${root}/alice`, enc("hers"), { acl: saslAcl("alice") });
      assert.deepEqual((await alice.getData(`${root}/alice`)).data, enc("hers"));
      await assert.rejects(anonymous.getData(`${root}/alice`), isCode("NoAuth"));
      await assert.rejects(carol.getData(`${root}/alice`), isCode("NoAuth"));
      assert.deepEqual((await alice.getACL(`${root}/alice`)).acl, saslAcl("alice"));
    } finally {
      await Promise.all([alice.close(), carol.close()]);
    }
  });

  test("a wrong password is terminal: connect rejects AuthFailed saying why; waiting requests reject AuthFailed, no hang", async () => {
    const error = await connect(server.connectString, { sasl: login("alice", "wrong") }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isCode("AuthFailed")(error), String(error));
    assert.ok(
      isCode("AuthFailed", /rejected the SASL credentials/)((error as Error).cause),
      String((error as Error).cause),
    );

    const { zk, events, states } = observed(server.connectString, { sasl: login("alice", "wrong") });
    const curator: string[] = [];
    zk.on("connectionState", (s) => curator.push(s));
    const waiting = [zk.exists("/"), zk.getData(root), zk.addAuth("digest", "alice:secret")];
    for (const outcome of await within(Promise.allSettled(waiting), 10_000, "requests waiting for SASL")) {
      assert.equal(outcome.status, "rejected");
      assert.ok(isCode("AuthFailed")(outcome.reason), String(outcome.reason));
    }
    assert.equal(zk.state, "authFailed");
    assert.deepEqual(states, ["connecting", "authFailed"]);
    assert.deepEqual(events.map((e) => e.state), ["AuthFailed"]);
    assert.deepEqual(curator, [], "a terminal auth failure is not a suspension");
    assert.ok(isCode("AuthFailed")(zk.lastConnectionError));
    await assert.rejects(zk.exists("/"), isCode("AuthFailed"));
    await zk.close();
  });

  test("requests issued before the login wait for it, and auth credentials are replayed after it", async () => {
    const alice = await connect(server.connectString, { sasl: login("alice") });
    await alice.create(`${root}/early`, enc("sasl only"), { acl: saslAcl("alice") });
    await alice.close();
    const zk = createClient(server.connectString, {
      sasl: login("alice"),
      auth: [{ scheme: "digest", auth: "bob:pw" }],
    });
    try {
      // Queued at once: were it written before the SASL exchange finished, NoAuth would come back.
      const early = zk.getData(`${root}/early`);
      assert.deepEqual((await early).data, enc("sasl only"));
      const ids = await zk.whoAmI();
      assert.ok(has(ids, "sasl", "alice"), JSON.stringify(ids));
      assert.ok(has(ids, "digest", "bob"), JSON.stringify(ids));
    } finally {
      await zk.close();
    }
  });

  test("after a server restart on the same port the client logs in again and keeps its session and ACL-protected access", async () => {
    const { zk, events } = observed(server.connectString, { sasl: login("alice"), sessionTimeout: 20_000 });
    try {
      await nextState(zk, "connected");
      const session = zk.sessionId;
      const { path } = await zk.create(`${root}/restart-`, enc("kept"), {
        mode: "ephemeral-sequential",
        acl: saslAcl("alice"),
      });
      const disconnected = nextState(zk, "disconnected");
      const reconnected = nextState(zk, "reconnected", 30_000);
      server.stop();
      await disconnected;
      // Issued while the server is down: it waits for the reconnect and for the new login.
      const whileDown = zk.getData(path);
      server.start();
      await reconnected;
      assert.equal(zk.sessionId, session);
      assert.deepEqual((await whileDown).data, enc("kept"));
      assert.ok(has(await zk.whoAmI(), "sasl", "alice"));
      await zk.setData(path, enc("still mine"));
      assert.deepEqual(
        events.map((e) => e.state),
        ["SyncConnected", "SaslAuthenticated", "Disconnected", "SyncConnected", "SaslAuthenticated"],
      );
    } finally {
      await zk.close();
    }
  });

  test("a renewed session after expiry logs in again", async () => {
    const zk = await connect(server.connectString, { sasl: login("alice"), renewSessionOnExpiry: true });
    try {
      const renewed = nextState(zk, "newSession", 20_000);
      await endSession(zk, server.connectString);
      await renewed;
      assert.ok(has(await zk.whoAmI(), "sasl", "alice"));
    } finally {
      await zk.close();
    }
  });

  test("a server answering with a wrong rspauth is not trusted: authFailed, requests reject AuthFailed", async () => {
    const flipped = tampering((text) =>
      text.replace(/rspauth=(.)/, (_, c: string) => `rspauth=${c === "0" ? "1" : "0"}`)
    );
    const { zk, states } = observed(server.connectString, { sasl: login("alice"), transport: flipped });
    const request = zk.exists("/");
    await assert.rejects(within(request, 10_000, "a request behind a forged rspauth"), isCode("AuthFailed"));
    assert.equal(zk.state, "authFailed");
    assert.deepEqual(states, ["connecting", "authFailed"]);
    assert.ok(isCode("AuthFailed", /rspauth is wrong/)(zk.lastConnectionError), String(zk.lastConnectionError));
    await zk.close();
  });

  test("a malformed challenge fails with a typed AuthFailed naming the problem", async () => {
    const noNonce = tampering((text) => text.replace("nonce=", "nonxe="));
    const error = await connect(server.connectString, { sasl: login("alice"), transport: noNonce }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isCode("AuthFailed")(error), String(error));
    assert.ok(isCode("AuthFailed", /no nonce/)((error as Error).cause), String((error as Error).cause));
  });

  test("a server without SASL configured: connect rejects AuthFailed saying so", async () => {
    const error = await connect(sharedConnectString(), { sasl: login("alice") }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isCode("AuthFailed")(error), String(error));
    assert.ok(isCode("AuthFailed", /is SASL configured/)((error as Error).cause), String((error as Error).cause));
  });

  test("bad sasl options are BadArguments before anything is sent", async () => {
    const bad: unknown[] = [
      null,
      "alice:secret",
      { username: "alice", password: "x" },
      { mechanism: "PLAIN", username: "alice", password: "x" },
      { mechanism: "DIGEST-MD5", password: "x" },
      { mechanism: "DIGEST-MD5", username: "", password: "x" },
      { mechanism: "DIGEST-MD5", username: "alice", password: 42 },
      { mechanism: "DIGEST-MD5", username: "alice" },
      { mechanism: "DIGEST-MD5", username: "alice", password: "x", serverName: "" },
      { mechanism: "DIGEST-MD5", username: "alice", password: "x", protocol: 7 },
    ];
    for (const sasl of bad) {
      const options = { sasl: sasl as SaslOptions };
      assert.throws(() => createClient(server.connectString, options), isCode("BadArguments"), JSON.stringify(sasl));
      await assert.rejects(connect(server.connectString, options), isCode("BadArguments"), JSON.stringify(sasl));
    }
  });
});

describe("SASL over TLS", realServerOnly("SASL"), () => {
  let server: TlsTestServer;

  suiteServer(() => startTlsServer({ sasl: true }), (s) => (server = s));

  test("the exchange runs over TLS; a client certificate adds its x509 identity beside sasl", async () => {
    const zk = await connect(server.tlsConnectString, {
      tls: { ca: server.ca, cert: server.clientCert, key: server.clientKey },
      sasl: login("alice"),
    });
    try {
      const ids = await zk.whoAmI();
      assert.ok(has(ids, "sasl", "alice"), JSON.stringify(ids));
      assert.ok(has(ids, "x509", "CN=stormkeeper-client"), JSON.stringify(ids));
    } finally {
      await zk.close();
    }
  });
});

describe("a server requiring SASL (sessionRequireClientSASLAuth)", realServerOnly("SASL"), () => {
  let server: TestServer;

  suiteServer(() => startSaslServer({ requireSasl: true }), (s) => (server = s));

  test("a SASL client is served; a client without SASL is refused with SessionClosedRequireSaslAuth", async () => {
    const alice = await connect(server.connectString, { sasl: login("alice") });
    const plain = await connect(server.connectString);
    try {
      const path = uniqueRoot("sasl-required");
      await alice.create(path, enc("x"));
      assert.deepEqual((await alice.getData(path)).data, enc("x"));
      await assert.rejects(plain.getData(path), isCode("SessionClosedRequireSaslAuth"));
      await alice.delete(path);
    } finally {
      await Promise.all([alice.close(), plain.close()]);
    }
  });
});
