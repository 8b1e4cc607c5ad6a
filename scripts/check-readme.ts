/**
 * Type-checks the README's runnable examples with the project's compiler settings (the README
 * test runs them, which checks no types). Run: `node --import tsx scripts/check-readme.ts`.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runnableBlocks } from "../tests/support/readme.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(repo, ".scratch", "readme-types");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const blocks = runnableBlocks(repo, 2);
// Each example is a module of its own (top-level await needs one), even without imports.
blocks.forEach((block, i) => writeFileSync(join(dir, `example-${i + 1}.ts`), `${block.code}\nexport {};\n`));
writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../../tsconfig.json", include: ["*.ts"] }));
try {
  execFileSync(process.execPath, [
    join(repo, "node_modules", "typescript", "bin", "tsc"),
    "-p",
    join(dir, "tsconfig.json"),
  ], { stdio: "inherit" });
  console.log(`README: ${blocks.length} examples type-check`);
} catch {
  console.error(`README examples do not type-check (files in ${dir})`);
  process.exit(1);
} finally {
  if (process.exitCode === undefined) rmSync(dir, { recursive: true, force: true });
}
