/** The benchmark's rows: the work each measures, on any {@link BenchClient}. */
import type { BenchClient } from "./clients.ts";

export interface Row {
  readonly name: string;
  /** Untimed preparation (per client). */
  setup?(c: BenchClient, prefix: string): Promise<void>;
  /** The timed work; returns the number of operations done. */
  run(c: BenchClient, prefix: string): Promise<number>;
}

export const DATA = new Uint8Array(100).fill(42);

/** Runs `op(i)` for i < n with at most `window` in flight. */
async function pipelined(n: number, window: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await op(next++);
  };
  await Promise.all(Array.from({ length: Math.min(window, n) }, worker));
}

export const sequentialGetData: Row = {
  name: "sequential getData",
  setup: async (c, prefix) => void (await c.create(`${prefix}-seq`, DATA)),
  async run(c, prefix) {
    for (let i = 0; i < 2_000; i++) await c.getData(`${prefix}-seq`);
    return 2_000;
  },
};

export const pipelinedGetData: Row = {
  name: "pipelined getData (1000 in flight)",
  setup: async (c, prefix) => void (await c.create(`${prefix}-pipe`, DATA)),
  async run(c, prefix) {
    await pipelined(20_000, 1000, () => c.getData(`${prefix}-pipe`));
    return 20_000;
  },
};

export const sequentialCreateDelete: Row = {
  name: "sequential create+delete",
  setup: async (c, prefix) => void (await c.create(`${prefix}-scd`, DATA)),
  async run(c, prefix) {
    const n = 500;
    for (let i = 0; i < n; i++) await c.create(`${prefix}-scd/n${i}`, DATA);
    for (let i = 0; i < n; i++) await c.delete(`${prefix}-scd/n${i}`);
    return 2 * n;
  },
};

export const pipelinedCreateDelete: Row = {
  name: "pipelined create+delete (1000 in flight)",
  setup: async (c, prefix) => void (await c.create(`${prefix}-cd`, DATA)),
  async run(c, prefix) {
    const n = 5_000;
    await pipelined(n, 1000, (i) => c.create(`${prefix}-cd/n${i}`, DATA));
    await pipelined(n, 1000, (i) => c.delete(`${prefix}-cd/n${i}`));
    return 2 * n;
  },
};

export const bigGetChildren: Row = {
  name: "getChildren of a 10,000-child node",
  async setup(c, prefix) {
    await c.create(`${prefix}-kids`, DATA);
    await pipelined(10_000, 1000, (i) => c.create(`${prefix}-kids/child-${String(i).padStart(5, "0")}`, DATA));
  },
  async run(c, prefix) {
    for (let i = 0; i < 200; i++) {
      const n = await c.getChildren(`${prefix}-kids`);
      if (n !== 10_000) throw new Error(`${c.name} saw ${n} children`);
    }
    return 200;
  },
};

export const watchRoundTrip: Row = {
  name: "watch round trip",
  setup: async (c, prefix) => void (await c.create(`${prefix}-watch`, DATA)),
  async run(c, prefix) {
    for (let i = 0; i < 500; i++) await c.watchRoundTrip(`${prefix}-watch`, DATA);
    return 500;
  },
};
