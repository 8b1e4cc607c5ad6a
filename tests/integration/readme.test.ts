import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { connect } from "../../mod.ts";
import { SASL_USERS, type TestServer, type TlsTestServer, sharedConnectString, startSaslServer, startTlsServer, uniqueRoot } from "../support/zookeeper.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const scratch = join(repo, ".scratch");

interface Block {
  readonly code: string;
  /**
   * `<!-- test: tls -->` blocks also get a TLS server (ZK_TLS_CONNECT, ZK_TLS_CA), `<!-- test:
   * sasl -->` blocks a SASL server and alice's password (ZK_SASL_CONNECT, ZK_SASL_PASSWORD).
   */
  readonly server: "tls" | "sasl" | undefined;
}

/**
 * The README's code blocks marked `<!-- test -->` (or `<!-- test: tls -->`, `<!-- test: sasl -->`),
 * with package imports pointed at this repo.
 */
function runnableBlocks(): Block[] {
  const readme = readFileSync(join(repo, "README.md"), "utf8");
  const blocks: Block[] = [];
  const marker = /<!-- test(?:: (tls|sasl))? -->\s*```ts\n([\s\S]*?)```/g;
  for (let m = marker.exec(readme); m !== null; m = marker.exec(readme)) {
    const code = (m[2] ?? "").replace(/from "stormkeeper(\/[a-z]+)?"/g, (_, sub: string | undefined) => `from "../${sub ? `src${sub}.ts` : "mod.ts"}"`);
    blocks.push({ code, server: m[1] as Block["server"] });
  }
  return blocks;
}

describe("README examples", () => {
  const blocks = runnableBlocks();
  let tlsServer: TlsTestServer | undefined;
  let saslServer: TestServer | undefined;
  const stormRoot = uniqueRoot("storm-readme-interop");

  after(async () => {
    tlsServer?.destroy();
    saslServer?.destroy();
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
    test(`README example #${i + 1} runs against the server`, async () => {
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
        const caFile = join(scratch, `readme-ca-${process.pid}.pem`);
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
