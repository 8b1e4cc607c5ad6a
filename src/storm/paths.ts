/**
 * Storm's ZooKeeper layout (`ClusterUtils`, storm-research §3), relative to the Storm root, and
 * the URL encoding of component ids in error paths. Pure functions; each id they put into a path
 * must be one path segment ({@link pathSegment}).
 */

/** The subtrees under the Storm root (`ClusterUtils`' root constants). */
export const Roots = {
  assignments: "/assignments",
  storms: "/storms",
  supervisors: "/supervisors",
  workerbeats: "/workerbeats",
  backpressure: "/backpressure",
  /** A single node, not a directory: the leader's Java-serialized `NimbusInfo`. */
  leaderInfo: "/leader-info",
  errors: "/errors",
  blobstore: "/blobstore",
  blobstoreMaxKeySequenceNumber: "/blobstoremaxkeysequencenumber",
  nimbuses: "/nimbuses",
  credentials: "/credentials",
  logConfigs: "/logconfigs",
  profilerConfigs: "/profilerconfigs",
  secretKeys: "/secretkeys",
} as const;

/** The subtrees StormClusterState creates at start (Storm 2.x; 0.9 created the first five). */
export const INITIAL_ROOTS: readonly string[] = [
  Roots.assignments,
  Roots.storms,
  Roots.supervisors,
  Roots.workerbeats,
  Roots.errors,
  Roots.blobstore,
  Roots.nimbuses,
  Roots.logConfigs,
  Roots.backpressure,
];

/** Splits a path on `/`, dropping empty tokens, as Storm does before routing or normalizing. */
export function tokenizePath(path: string): string[] {
  return path.split("/").filter((t) => t !== "");
}

/** Storm's path normalization (storm-research §2.1): `""`, `"/"` → `/`; `"//a//b/"` → `/a/b`. */
export function normalizePath(path: string): string {
  return `/${tokenizePath(path).join("/")}`;
}

const encoder = new TextEncoder();
// Java's `new String(bytes, UTF_8)` replaces malformed sequences rather than failing.
const lenientDecoder = new TextDecoder("utf-8");

// Java's URLEncoder keeps exactly these bytes; space becomes "+", every other byte "%XX".
const FORM_ENCODED: readonly string[] = Array.from({ length: 256 }, (_, b) => {
  const c = String.fromCharCode(b);
  if (/[A-Za-z0-9.\-*_]/.test(c)) return c;
  if (b === 0x20) return "+";
  return `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
});
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Java's `URLEncoder.encode(s, "UTF-8")` (form encoding, not `encodeURIComponent`): letters,
 * digits and `.-*_` stay, space becomes `+`, every other UTF-8 byte becomes `%XX` (upper-case
 * hex). A lone surrogate becomes `%3F`, because Java's UTF-8 encoder replaces it with `?`.
 */
export function urlEncode(s: string): string {
  let out = "";
  for (const b of encoder.encode(s.replace(LONE_SURROGATE, "?"))) out += FORM_ENCODED[b];
  return out;
}

/**
 * Java's `URLDecoder.decode(s, "UTF-8")`, the inverse of {@link urlEncode}: `+` is a space, each
 * run of `%XX` escapes is decoded as UTF-8 (malformed bytes become U+FFFD, as in Java), any other
 * character is kept. Throws a URIError for an escape that is not `%` and two hex digits.
 */
export function urlDecode(s: string): string {
  let out = "";
  let i = 0;
  while (i < s.length) {
    const c = s.charAt(i);
    if (c === "+") {
      out += " ";
      i++;
    } else if (c === "%") {
      const bytes: number[] = [];
      while (s.charAt(i) === "%") {
        const hex = s.slice(i + 1, i + 3);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new URIError(`malformed escape at ${i} in ${JSON.stringify(s)}`);
        bytes.push(Number.parseInt(hex, 16));
        i += 3;
      }
      out += lenientDecoder.decode(new Uint8Array(bytes));
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * `value`, checked to be one path segment: not empty, not `.` or `..`, no `/`. Throws a
 * RangeError otherwise, because such an id would name another node: `/storms/` + `""` is
 * `/storms` itself (so `removeStorm("")` would delete every topology's assignment), and
 * `"a/b"` is a node below topology `a`.
 */
export function pathSegment(value: string, what: string): string {
  if (value === "" || value === "." || value === ".." || value.includes("/")) {
    throw new RangeError(
      `a ${what} must be one ZooKeeper path segment (not empty, ".", ".." or holding "/"), got ${
        JSON.stringify(value)
      }`,
    );
  }
  return value;
}

const child = (parent: string, name: string, what: string): string => `${parent}/${pathSegment(name, what)}`;

/** `/assignments/<id>`. */
export const assignmentPath = (id: string): string => child(Roots.assignments, id, "topology id");
/** `/storms/<id>`. */
export const stormPath = (id: string): string => child(Roots.storms, id, "topology id");
/** `/supervisors/<supervisorId>`. */
export const supervisorPath = (id: string): string => child(Roots.supervisors, id, "supervisor id");
/** `/nimbuses/<nimbusId>` (Storm passes the nimbus host name, or `host:port`). */
export const nimbusPath = (id: string): string => child(Roots.nimbuses, id, "nimbus id");
/** `/credentials/<id>`. */
export const credentialsPath = (id: string): string => child(Roots.credentials, id, "topology id");
/** `/logconfigs/<id>`. */
export const logConfigPath = (id: string): string => child(Roots.logConfigs, id, "topology id");
/** `/blobstore/<key>`. */
export const blobstorePath = (key: string): string => child(Roots.blobstore, key, "blob key");
/**
 * `/blobstore/<key>/<hostPort>-<version>`: the ephemeral node saying a nimbus holds that version
 * (`hostPort` is `host:port` up to Storm 2.6.0, `host:port:tlsPort` after).
 */
export const blobstoreVersionPath = (key: string, hostPort: string, version: number): string =>
  child(blobstorePath(key), `${hostPort}-${version}`, "blob holder");
/** `/blobstoremaxkeysequencenumber/<key>`. */
export const blobstoreMaxKeySequenceNumberPath = (key: string): string =>
  child(Roots.blobstoreMaxKeySequenceNumber, key, "blob key");
/** `/workerbeats/<id>`. */
export const workerbeatStormRoot = (id: string): string => child(Roots.workerbeats, id, "topology id");
/** `/workerbeats/<id>/<node>-<port>`; `node` is the supervisor id, not the host name. */
export const workerbeatPath = (id: string, node: string, port: number): string =>
  child(workerbeatStormRoot(id), `${node}-${port}`, "worker slot");
/** `/backpressure/<id>`. */
export const backpressureStormRoot = (id: string): string => child(Roots.backpressure, id, "topology id");
/** `/backpressure/<id>/<node>-<port>`. */
export const backpressurePath = (id: string, node: string, port: number): string =>
  child(backpressureStormRoot(id), `${node}-${port}`, "worker slot");
/** `/errors/<id>`. */
export const errorStormRoot = (id: string): string => child(Roots.errors, id, "topology id");
/** `/errors/<id>/<component>`, the component URL-encoded ({@link urlEncode}) so it is one path segment. */
export const errorPath = (id: string, componentId: string): string =>
  child(errorStormRoot(id), urlEncode(componentId), "component id");
/** `<errorPath>-last-error`: a sibling of the component's error directory, not a child of it. */
export const lastErrorPath = (id: string, componentId: string): string => `${errorPath(id, componentId)}-last-error`;
/** `/profilerconfigs/<id>` (Storm's one-argument `profilerConfigPath`). */
export const profilerConfigRoot = (id: string): string => child(Roots.profilerConfigs, id, "topology id");
/** `/profilerconfigs/<id>/<host>_<port>_<ACTION>`; `action` is the `ProfileAction` name. */
export const profilerConfigPath = (id: string, host: string, port: number, action: string): string =>
  child(profilerConfigRoot(id), `${host}_${port}_${action}`, "profiler request");
/** `/secretkeys/<TYPE>`, `/secretkeys/<TYPE>/<id>` or `/secretkeys/<TYPE>/<id>/<version>`, by the arguments given. */
export const secretKeysPath = (type: string, topologyId?: string, version?: number): string => {
  const typeRoot = child(Roots.secretKeys, type, "worker-token service type");
  if (topologyId === undefined) return typeRoot;
  const topologyRoot = child(typeRoot, topologyId, "topology id");
  return version === undefined ? topologyRoot : `${topologyRoot}/${version}`;
};
