/** The README's runnable examples, shared by the test that runs them and the script that type-checks them. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Block {
  readonly code: string;
  /**
   * `<!-- test: tls -->` blocks also get a TLS server (ZK_TLS_CONNECT, ZK_TLS_CA), `<!-- test:
   * sasl -->` blocks a SASL server and alice's password (ZK_SASL_CONNECT, ZK_SASL_PASSWORD).
   */
  readonly server: "tls" | "sasl" | undefined;
}

/**
 * The README's code blocks marked `<!-- test -->` (or `<!-- test: tls -->`, `<!-- test: sasl -->`),
 * with package imports pointed at the repo as seen from a file `depth` folders below it.
 */
export function runnableBlocks(repo: string, depth = 1): Block[] {
  const readme = readFileSync(join(repo, "README.md"), "utf8");
  const up = "../".repeat(depth);
  const blocks: Block[] = [];
  const marker = /<!-- test(?:: (tls|sasl))? -->\s*```ts\n([\s\S]*?)```/g;
  for (let m = marker.exec(readme); m !== null; m = marker.exec(readme)) {
    const code = (m[2] ?? "").replace(
      /from "stormkeeper(\/[a-z]+)?"/g,
      (_, sub: string | undefined) => `from "${up}${sub ? `src${sub}.ts` : "mod.ts"}"`,
    );
    blocks.push({ code, server: m[1] as Block["server"] });
  }
  return blocks;
}
