/**
 * The ZooKeeper settings of a real `storm.yaml`: `storm.zookeeper.servers`, `.port`, `.root` and
 * `.auth.scheme`/`.auth.payload` (Storm's `storm.zookeeper.topology.auth.*` are the workers' and
 * are not read). Parsed with the `yaml` package: storm.yaml files use flow lists, anchors and
 * quoting that a hand-written parser would get wrong.
 */
import { parse } from "yaml";
import { CliError } from "./cli-error.ts";

/** What a storm.yaml says about reaching ZooKeeper; a field is absent when the file does not set it. */
export interface StormYamlSettings {
  readonly servers?: readonly string[];
  readonly port?: number;
  readonly root?: string;
  readonly auth?: { readonly scheme: string; readonly payload: string };
  /** `nimbus.task.timeout.secs`, used by `doctor` for stale worker heartbeats. */
  readonly taskTimeoutSecs?: number;
}

/** Reads the settings from storm.yaml text; `file` names it in the error for a malformed file. */
export function parseStormYaml(text: string, file: string): StormYamlSettings {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new CliError(
      `${file} is not valid YAML: ${error instanceof Error ? error.message.split("\n", 1)[0] : String(error)}`,
    );
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new CliError(`${file} is not a YAML mapping of Storm settings`);
  }
  const conf = doc as Readonly<Record<string, unknown>>;
  const wrong = (key: string, what: string) => new CliError(`${file}: ${key} must be ${what}`);
  const servers = conf["storm.zookeeper.servers"];
  if (servers !== undefined && !(Array.isArray(servers) && servers.every((s) => typeof s === "string"))) {
    throw wrong("storm.zookeeper.servers", "a list of host names");
  }
  const port = conf["storm.zookeeper.port"];
  if (port !== undefined && !(Number.isInteger(port) && typeof port === "number" && port > 0 && port < 65536)) {
    throw wrong("storm.zookeeper.port", "a port number");
  }
  const root = conf["storm.zookeeper.root"];
  if (root !== undefined && typeof root !== "string") throw wrong("storm.zookeeper.root", "a path");
  const scheme = conf["storm.zookeeper.auth.scheme"];
  const payload = conf["storm.zookeeper.auth.payload"];
  if (scheme !== undefined && scheme !== null && typeof scheme !== "string") {
    throw wrong("storm.zookeeper.auth.scheme", "a string such as digest");
  }
  if (payload !== undefined && payload !== null && typeof payload !== "string") {
    throw wrong("storm.zookeeper.auth.payload", "a string such as user:password");
  }
  const timeout = conf["nimbus.task.timeout.secs"];
  if (timeout !== undefined && !(typeof timeout === "number" && timeout > 0)) {
    throw wrong("nimbus.task.timeout.secs", "a positive number");
  }
  return {
    ...(servers !== undefined ? { servers: servers as string[] } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(root !== undefined ? { root } : {}),
    ...(typeof scheme === "string" && typeof payload === "string" ? { auth: { scheme, payload } } : {}),
    ...(timeout !== undefined ? { taskTimeoutSecs: timeout } : {}),
  };
}
