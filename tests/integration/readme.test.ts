import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { connect } from "../../mod.ts";
import { runnableBlocks } from "../support/readme.ts";
import {
  realServerOnly,
  SASL_USERS,
  sharedConnectString,
  startSaslServer,
  startTlsServer,
  type TestServer,
  type TlsTestServer,
  uniqueRoot,
} from "../support/zookeeper.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const scratch = join(repo, ".scratch");

describe("README examples", () => {
  const blocks = runnableBlocks(repo);
  let tlsServer: TlsTestServer | undefined;
  let saslServer: TestServer | undefined;
  const stormRoot = uniqueRoot("storm-readme-interop");

  const caFile = join(scratch, `readme-ca-${process.pid}.pem`);

  after(async () => {
    tlsServer?.destroy();
    saslServer?.destroy();
    rmSync(caFile, { force: true });
    const zk = await connect(sharedConnectString());
    try {
      await zk.deleteRecursive(stormRoot);
    } finally {
      await zk.close();
    }
  });

  test("the README has runnable examples, one of them over TLS and one with SASL", () => {
    assert.ok(blocks.length >= 4);
    assert.ok(blocks.some((b) => b.server === "tls"));
    assert.ok(blocks.some((b) => b.server === "sasl"));
  });

  blocks.forEach((block, i) => {
    const needs = block.server === undefined ? {} : realServerOnly(block.server.toUpperCase());
    test(`README example #${i + 1} runs against the server`, needs, async () => {
      const connectString = sharedConnectString();
      const [host, port] = connectString.split(":");
      process.env.ZK_CONNECT = connectString;
      // The interop example takes Storm's settings: servers, port and root.
      process.env.ZK_HOSTS = host;
      process.env.ZK_PORT = port;
      process.env.STORM_ROOT = stormRoot;
      mkdirSync(scratch, { recursive: true });
      if (block.server === "sasl") {
        saslServer ??= startSaslServer();
        process.env.ZK_SASL_CONNECT = saslServer.connectString;
        process.env.ZK_SASL_PASSWORD = SASL_USERS.alice;
      }
      if (block.server === "tls") {
        tlsServer ??= startTlsServer();
        writeFileSync(caFile, tlsServer.ca);
        process.env.ZK_TLS_CONNECT = tlsServer.tlsConnectString;
        process.env.ZK_TLS_CA = caFile;
      }
      const file = join(scratch, `readme-${i}-${process.pid}.ts`);
      writeFileSync(file, block.code);
      try {
        await import(pathToFileURL(file).href);
      } finally {
        rmSync(file, { force: true });
      }
    });
  });
});
