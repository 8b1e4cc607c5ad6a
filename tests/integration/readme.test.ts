import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { sharedConnectString } from "../support/zookeeper.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The README's code blocks marked `<!-- test -->`, with package imports pointed at this repo. */
function runnableBlocks(): string[] {
  const readme = readFileSync(join(repo, "README.md"), "utf8");
  const blocks: string[] = [];
  const marker = /<!-- test -->\s*```ts\n([\s\S]*?)```/g;
  for (let m = marker.exec(readme); m !== null; m = marker.exec(readme)) {
    blocks.push((m[1] ?? "").replace(/from "stormkeeper(\/[a-z]+)?"/g, (_, sub: string | undefined) => `from "../${sub ? `src${sub}.ts` : "mod.ts"}"`));
  }
  return blocks;
}

describe("README examples", () => {
  const blocks = runnableBlocks();

  test("the README has runnable examples", () => {
    assert.ok(blocks.length >= 1);
  });

  blocks.forEach((code, i) => {
    test(`README example #${i + 1} runs against the server`, async () => {
      process.env.ZK_CONNECT = sharedConnectString();
      const dir = join(repo, ".scratch");
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `readme-${i}-${process.pid}.ts`);
      writeFileSync(file, code);
      try {
        await import(pathToFileURL(file).href);
      } finally {
        rmSync(file, { force: true });
      }
    });
  });
});
