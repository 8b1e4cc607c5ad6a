/**
 * Storm's ZooKeeper layout (`ClusterUtils`, storm-research §3), relative to the Storm root.
 * Pure functions.
 */

/** The subtrees under the Storm root. */
export const Roots = {
  assignments: "/assignments",
  storms: "/storms",
  supervisors: "/supervisors",
  workerbeats: "/workerbeats",
  backpressure: "/backpressure",
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

/** The subtrees StormClusterState creates at start (Storm 2.x). */
export const INITIAL_ROOTS: readonly string[] = [
  Roots.assignments, Roots.storms, Roots.supervisors, Roots.workerbeats, Roots.errors,
  Roots.blobstore, Roots.nimbuses, Roots.logConfigs, Roots.backpressure,
];

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Java's `URLEncoder.encode(s, "UTF-8")` (form encoding): letters, digits and `.-*_` stay,
 * space becomes `+`, every other UTF-8 byte becomes `%XX` (upper-case hex).
 */
export function urlEncode(s: string): string {
  let out = "";
  for (const b of encoder.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9.\-*_]/.test(c)) out += c;
    else if (b === 0x20) out += "+";
    else out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The inverse of {@link urlEncode} (Java's `URLDecoder.decode`); throws on malformed input. */
export function urlDecode(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === "+") bytes.push(0x20);
    else if (c === "%") {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new TypeError(`malformed escape at ${i} in ${JSON.stringify(s)}`);
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...encoder.encode(c));
  }
  return decoder.decode(new Uint8Array(bytes));
}

export const assignmentPath = (id: string) => `${Roots.assignments}/${id}`;
export const stormPath = (id: string) => `${Roots.storms}/${id}`;
export const supervisorPath = (id: string) => `${Roots.supervisors}/${id}`;
export const nimbusPath = (id: string) => `${Roots.nimbuses}/${id}`;
export const credentialsPath = (id: string) => `${Roots.credentials}/${id}`;
export const logConfigPath = (id: string) => `${Roots.logConfigs}/${id}`;
export const blobstorePath = (key: string) => `${Roots.blobstore}/${key}`;
export const blobstoreMaxKeySequenceNumberPath = (key: string) => `${Roots.blobstoreMaxKeySequenceNumber}/${key}`;
export const workerbeatStormRoot = (id: string) => `${Roots.workerbeats}/${id}`;
/** `/workerbeats/<id>/<node>-<port>`. */
export const workerbeatPath = (id: string, node: string, port: number) => `${workerbeatStormRoot(id)}/${node}-${port}`;
export const backpressureStormRoot = (id: string) => `${Roots.backpressure}/${id}`;
export const backpressurePath = (id: string, node: string, port: number) => `${backpressureStormRoot(id)}/${node}-${port}`;
export const errorStormRoot = (id: string) => `${Roots.errors}/${id}`;
/** `/errors/<id>/<url-encoded component>`. */
export const errorPath = (id: string, componentId: string) => `${errorStormRoot(id)}/${urlEncode(componentId)}`;
/** The last-error node is a sibling of the component's error directory. */
export const lastErrorPath = (id: string, componentId: string) => `${errorPath(id, componentId)}-last-error`;
export const profilerConfigRoot = (id: string) => `${Roots.profilerConfigs}/${id}`;
/** `/profilerconfigs/<id>/<host>_<port>_<ACTION>`. */
export const profilerConfigPath = (id: string, host: string, port: number, action: string) => `${profilerConfigRoot(id)}/${host}_${port}_${action}`;
export const secretKeysPath = (type: string, topologyId?: string, version?: number) =>
  [Roots.secretKeys, type, topologyId, version === undefined ? undefined : String(version)].filter((x) => x !== undefined).join("/");
