import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: {
      mod: "mod.ts",
      zookeeper: "src/zookeeper.ts",
      storm: "src/storm.ts",
      server: "src/server.ts",
      recipes: "src/recipes.ts",
    },
    format: ["esm"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "es2022",
    platform: "neutral",
    external: ["node:net", "node:process", "node:crypto", "node:zlib", "node:buffer", "zod", "fzstd"],
    splitting: true,
  },
  // The `stormkeeper` bin: its own bundle with a shebang (a library entry must not carry one).
  {
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    sourcemap: true,
    target: "es2022",
    platform: "node",
    external: ["zod", "fzstd", "yaml"],
    banner: { js: "#!/usr/bin/env node" },
  },
]);
