import { badArguments } from "./errors.ts";
import { OpCode } from "./opcodes.ts";

/** How a node is created (protocol reference §10.1). */
export type CreateMode =
  | "persistent"
  | "ephemeral"
  | "persistent-sequential"
  | "ephemeral-sequential"
  | "container"
  | "persistent-ttl"
  | "persistent-sequential-ttl";

interface ModeInfo {
  readonly flags: number;
  readonly sequential: boolean;
  readonly ttl: boolean;
}

const modes: Record<CreateMode, ModeInfo> = {
  persistent: { flags: 0, sequential: false, ttl: false },
  ephemeral: { flags: 1, sequential: false, ttl: false },
  "persistent-sequential": { flags: 2, sequential: true, ttl: false },
  "ephemeral-sequential": { flags: 3, sequential: true, ttl: false },
  container: { flags: 4, sequential: false, ttl: false },
  "persistent-ttl": { flags: 5, sequential: false, ttl: true },
  "persistent-sequential-ttl": { flags: 6, sequential: true, ttl: true },
};

/** Largest TTL the server accepts: 2^40 - 1 ms (§10.4). */
export const MAX_TTL = 0xff_ffff_ffffn;

/** What goes on the wire for a create: opcode, flags and TTL (only for TTL modes). */
export interface CreateWire {
  readonly opcode: number;
  readonly flags: number;
  readonly sequential: boolean;
  readonly ttl: bigint | undefined;
}

/**
 * Resolves a create mode and TTL into the opcode and flags to send. The opcode follows the mode
 * (containers need 19, TTL nodes 21, §10.1); everything else uses create2 so a Stat comes back.
 * Throws `BadArguments` for an unknown mode, a TTL on a non-TTL mode, or a TTL out of range.
 */
export function createWire(mode: unknown, ttl: unknown, path?: string): CreateWire {
  const info = typeof mode === "string" && Object.hasOwn(modes, mode) ? modes[mode as CreateMode] : undefined;
  if (info === undefined) {
    throw badArguments(
      `unknown create mode ${JSON.stringify(mode)}; use one of ${Object.keys(modes).join(", ")}`,
      "create",
      path,
    );
  }
  if (!info.ttl) {
    if (ttl !== undefined) {
      throw badArguments(`a ttl is only allowed with the persistent-ttl modes, not ${mode}`, "create", path);
    }
    return {
      opcode: info.flags === 4 ? OpCode.createContainer : OpCode.create2,
      flags: info.flags,
      sequential: info.sequential,
      ttl: undefined,
    };
  }
  let t: bigint;
  if (typeof ttl === "bigint") t = ttl;
  else if (typeof ttl === "number" && Number.isInteger(ttl)) t = BigInt(ttl);
  else throw badArguments(`mode ${mode} needs an integer ttl in ms, got ${String(ttl)}`, "create", path);
  if (t < 1n || t > MAX_TTL) throw badArguments(`ttl ${t} is outside 1..${MAX_TTL} ms`, "create", path);
  return { opcode: OpCode.createTTL, flags: info.flags, sequential: info.sequential, ttl: t };
}
