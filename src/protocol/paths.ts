import { badArguments } from "./errors.ts";
import type { OpName } from "./opcodes.ts";

/**
 * Why `path` is not a valid ZooKeeper path (`PathUtils.validatePath`, protocol reference §14),
 * or undefined when it is valid. Checks run on UTF-16 code units, exactly like the Java client.
 */
export function pathProblem(path: unknown): string | undefined {
  if (typeof path !== "string") return `path must be a string, got ${typeof path}`;
  if (path.length === 0) return "path must not be empty";
  if (path.charCodeAt(0) !== 0x2f) return "path must start with /";
  if (path.length === 1) return undefined;
  if (path.charCodeAt(path.length - 1) === 0x2f) return "path must not end with /";
  let componentStart = 1;
  for (let i = 1; i <= path.length; i++) {
    const c = i < path.length ? path.charCodeAt(i) : 0x2f;
    if (c === 0x2f) {
      const length = i - componentStart;
      if (length === 0) return `empty path component at index ${i}`;
      if (
        length <= 2 && path.charCodeAt(componentStart) === 0x2e &&
        (length === 1 || path.charCodeAt(componentStart + 1) === 0x2e)
      ) {
        return `relative path component "${path.slice(componentStart, i)}" at index ${componentStart}`;
      }
      componentStart = i + 1;
    } else if (c === 0) {
      return `null character at index ${i}`;
    } else if (
      c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xf8ff) || c >= 0xfff0
    ) {
      return `invalid character \\u${c.toString(16).padStart(4, "0")} at index ${i}`;
    }
  }
  return undefined;
}

/**
 * Throws a `BadArguments` {@link ZooKeeperError} unless `path` is valid. Sequential creates may
 * end with `/`: they are validated with a digit appended, as the server names them (§14).
 */
export function validatePath(path: unknown, op?: OpName, sequential = false): string {
  const problem = pathProblem(sequential && typeof path === "string" ? `${path}1` : path);
  if (problem !== undefined) {
    throw badArguments(
      `invalid path ${JSON.stringify(path)}: ${problem}`,
      op,
      typeof path === "string" ? path : undefined,
    );
  }
  return path as string;
}

/** The parent of a valid path (`/` for top-level nodes and for `/` itself). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/** Joins a parent path and a child name. */
export function joinPath(parent: string, child: string): string {
  return parent === "/" ? `/${child}` : `${parent}/${child}`;
}

/**
 * Chroot rewriting (§13): client paths are prefixed on the way out and stripped on the way in.
 * Comparison is by path component, so `/apple` is not inside chroot `/app`.
 */
export interface Chroot {
  /** The chroot itself, or `""` when there is none. */
  readonly prefix: string;
  toServer(clientPath: string): string;
  /** Strips the chroot; paths outside it (e.g. `/zookeeper/config`) come back unchanged. */
  toClient(serverPath: string): string;
}

/** Builds the chroot rewriter for a validated chroot path (`/` or `""` means none). */
export function makeChroot(chroot: string): Chroot {
  const prefix = chroot === "/" ? "" : chroot;
  if (prefix === "") return { prefix, toServer: (p) => p, toClient: (p) => p };
  return {
    prefix,
    toServer: (p) => (p === "/" ? prefix : prefix + p),
    toClient: (p) => {
      if (p === prefix) return "/";
      if (p.length > prefix.length && p.startsWith(prefix) && p.charCodeAt(prefix.length) === 0x2f) {
        return p.slice(prefix.length);
      }
      return p;
    },
  };
}

/**
 * The server path a create is sent to. A sequential path is a name prefix the server extends,
 * so it is joined as text: `/` under chroot `/app` becomes `/app/` (children of the chroot
 * named `/app/0000000001`), not `/app`, which would create the sibling `/app0000000001` outside
 * the chroot.
 */
export function createTarget(chroot: Chroot, path: string, sequential: boolean): string {
  return sequential ? chroot.prefix + path : chroot.toServer(path);
}

/**
 * The server path a delete is sent to: `/` stays `/`, so deleting the client's root fails like
 * deleting the real root instead of deleting the chroot node (§7.3), in a multi too.
 */
export function deleteTarget(chroot: Chroot, path: string): string {
  return path === "/" ? "/" : chroot.toServer(path);
}
