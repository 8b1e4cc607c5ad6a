import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { connect } from "../../mod.ts";
import { runnableBlocks } from "../support/readme.ts";
import { readmeEnvironment } from "../support/readme-environment.ts";
import { realServerOnly, sharedConnectString, uniqueRoot } from "../support/zookeeper.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const scratch = join(repo, ".scratch");

describe("README examples", () => {
  const blocks = runnableBlocks(repo);
  const stormRoot = uniqueRoot("storm-readme-interop");
  const environment = readmeEnvironment(scratch, stormRoot);

  after(async () => {
    environment.destroy();
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
      mkdirSync(scratch, { recursive: true });
      environment.prepare(block);
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
