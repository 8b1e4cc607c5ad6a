/**
 * What each reading command shows, as pure functions of a {@link ClusterSnapshot}: the JSON
 * shape (`--json`, documented in the README) and the human text made from it.
 */
import { type ErrorInfo, parseExecutorKey } from "../../mod.ts";
import type { ClusterSnapshot, TopologySnapshot } from "./snapshot.ts";
import { ago, duration, fields, firstLine, isoTime, paint, type Style, table } from "./format.ts";

/** One row of `topologies --json`. Times are epoch seconds; ages seconds; null when unknown. */
export interface TopologyRow {
  readonly id: string;
  readonly name: string | null;
  readonly status: string | null;
  readonly workers: number | null;
  readonly executors: number | null;
  readonly owner: string | null;
  readonly launchTimeSecs: number | null;
  readonly uptimeSecs: number | null;
  readonly assigned: boolean;
  readonly newestHeartbeatAgeSecs: number | null;
  readonly errorCount: number;
}

const errorCount = (t: TopologySnapshot) => Object.values(t.errors).reduce((n, list) => n + list.length, 0);
const newestBeat = (t: TopologySnapshot): number | null => {
  const times = t.workers.flatMap((w) => (w.heartbeat ? [w.heartbeat.timeSecs] : []));
  return times.length ? Math.max(...times) : null;
};

/** The topologies (those with a storm base or an assignment), by id. */
export function topologyRows(snapshot: ClusterSnapshot): TopologyRow[] {
  return snapshot.topologies.filter((t) => t.presence.storms || t.presence.assignments).map((t) => {
    const beat = newestBeat(t);
    const launched = t.base?.launchTimeSecs ?? null;
    const executors = t.base?.componentExecutors
      ? Object.values(t.base.componentExecutors).reduce((a, b) => a + b, 0)
      : t.assignment
      ? Object.keys(t.assignment.executorNodePort).length
      : null;
    return {
      id: t.id,
      name: t.base?.name ?? null,
      status: t.base?.status ?? null,
      workers: t.base?.numWorkers ?? null,
      executors,
      owner: t.base?.owner ?? t.assignment?.owner ?? null,
      launchTimeSecs: launched,
      uptimeSecs: launched === null ? null : Math.max(0, snapshot.takenAtSecs - launched),
      assigned: t.assignment !== null,
      newestHeartbeatAgeSecs: beat === null ? null : Math.max(0, snapshot.takenAtSecs - beat),
      errorCount: errorCount(t),
    };
  });
}

const dash = (v: string | number | null | undefined): string => (v === null || v === undefined ? "-" : String(v));
const statusCell = (style: Style, status: string | null) =>
  status === null ? "-" : paint(style, status === "ACTIVE" ? "green" : status === "KILLED" ? "red" : "yellow", status);

/** The `topologies` table. */
export function topologiesText(style: Style, rows: readonly TopologyRow[]): string {
  if (rows.length === 0) return "no topologies";
  return table(
    style,
    ["ID", "NAME", "STATUS", "WORKERS", "EXECUTORS", "OWNER", "LAUNCHED", "UPTIME", "ASSIGNED", "HEARTBEAT", "ERRORS"],
    rows.map((r) => [
      r.id,
      dash(r.name),
      statusCell(style, r.status),
      dash(r.workers),
      dash(r.executors),
      dash(r.owner),
      r.launchTimeSecs === null ? "-" : isoTime(r.launchTimeSecs),
      r.uptimeSecs === null ? "-" : duration(r.uptimeSecs),
      r.assigned ? "yes" : paint(style, "red", "no"),
      r.newestHeartbeatAgeSecs === null ? "-" : `${duration(r.newestHeartbeatAgeSecs)} ago`,
      r.errorCount ? paint(style, "red", String(r.errorCount)) : "0",
    ]),
  );
}

/** One worker of `topology --json`: its slot, executors, resources and heartbeat. */
export interface WorkerView {
  readonly node: string;
  readonly host: string | null;
  readonly port: number;
  readonly executors: readonly string[];
  readonly memOnHeap: number | null;
  readonly cpu: number | null;
  readonly heartbeatAgeSecs: number | null;
  readonly uptimeSecs: number | null;
}

/** `topology <id> --json`. */
export interface TopologyView {
  readonly id: string;
  readonly base: TopologySnapshot["base"];
  readonly assigned: boolean;
  readonly masterCodeDir: string | null;
  readonly workers: readonly WorkerView[];
  /** Component → newest error (null without errors) and error count. */
  readonly components: Readonly<
    Record<string, { readonly errorCount: number; readonly latestError: ErrorInfo | null }>
  >;
  readonly backpressureWorkers: readonly string[];
  readonly credentialKeys: readonly string[] | null;
}

/** The detail of one topology; null when no subtree knows the id. */
export function topologyView(snapshot: ClusterSnapshot, id: string): TopologyView | null {
  const t = snapshot.topologies.find((x) => x.id === id);
  if (t === undefined) return null;
  const slots = new Map<string, { node: string; port: number; executors: string[] }>();
  for (const [executor, slot] of Object.entries(t.assignment?.executorNodePort ?? {})) {
    const port = slot.port[0] ?? 0;
    const key = `${slot.node}:${port}`;
    const entry = slots.get(key) ?? { node: slot.node, port, executors: [] };
    entry.executors.push(executor);
    slots.set(key, entry);
  }
  for (const w of t.workers) {
    if (!slots.has(`${w.node}:${w.port}`)) {
      slots.set(`${w.node}:${w.port}`, { node: w.node, port: w.port, executors: [] });
    }
  }
  const workers = [...slots.values()].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : a.port - b.port))
    .map((s): WorkerView => {
      const resources = t.assignment?.workerResources.find((r) =>
        r.nodeInfo.node === s.node && r.nodeInfo.port.includes(s.port)
      )?.resources;
      const beat = t.workers.find((w) => w.node === s.node && w.port === s.port)?.heartbeat ?? null;
      return {
        node: s.node,
        host: t.assignment?.nodeHost[s.node] ?? null,
        port: s.port,
        executors: s.executors.sort((a, b) => (parseExecutorKey(a)[0] ?? 0) - (parseExecutorKey(b)[0] ?? 0)),
        memOnHeap: resources?.memOnHeap ?? null,
        cpu: resources?.cpu ?? null,
        heartbeatAgeSecs: beat === null ? null : Math.max(0, snapshot.takenAtSecs - beat.timeSecs),
        uptimeSecs: beat?.uptimeSecs ?? null,
      };
    });
  const componentNames = new Set([...Object.keys(t.base?.componentExecutors ?? {}), ...Object.keys(t.errors)]);
  const components = Object.fromEntries(
    [...componentNames].sort().map((c) => {
      const list = t.errors[c] ?? [];
      return [c, { errorCount: list.length, latestError: list[0] ?? null }];
    }),
  );
  return {
    id,
    base: t.base,
    assigned: t.assignment !== null,
    masterCodeDir: t.assignment?.masterCodeDir ?? null,
    workers,
    components,
    backpressureWorkers: t.backpressureWorkers,
    credentialKeys: t.credentialKeys,
  };
}

/** The `topology <id>` text: base fields, the workers table, components with their latest error. */
export function topologyText(style: Style, view: TopologyView, nowSecs: number): string {
  const b = view.base;
  const head = fields([
    ["id", view.id],
    ["name", dash(b?.name)],
    ["status", b ? statusCell(style, b.status) : paint(style, "red", "no storm base")],
    ["owner", dash(b?.owner)],
    [
      "launched",
      b?.launchTimeSecs === undefined ? "-" : `${isoTime(b.launchTimeSecs)} (${ago(b.launchTimeSecs, nowSecs)})`,
    ],
    ["workers", dash(b?.numWorkers)],
    ["assignment", view.assigned ? dash(view.masterCodeDir) : paint(style, "red", "none")],
    ["backpressure", view.backpressureWorkers.length ? view.backpressureWorkers.join(", ") : "none"],
    ["credentials", view.credentialKeys === null ? "none" : view.credentialKeys.join(", ") || "(empty)"],
  ]);
  const workers = view.workers.length === 0 ? "no workers" : table(
    style,
    ["NODE", "HOST:PORT", "EXECUTORS", "MEM", "CPU", "HEARTBEAT", "UPTIME"],
    view.workers.map((w) => [
      w.node,
      `${w.host ?? "?"}:${w.port}`,
      w.executors.join(" ") || "-",
      w.memOnHeap === null ? "-" : `${w.memOnHeap} MB`,
      dash(w.cpu),
      w.heartbeatAgeSecs === null ? paint(style, "red", "none") : `${duration(w.heartbeatAgeSecs)} ago`,
      w.uptimeSecs === null ? "-" : duration(w.uptimeSecs),
    ]),
  );
  const names = Object.keys(view.components);
  const components = names.length === 0 ? "no components" : table(
    style,
    ["COMPONENT", "ERRORS", "LATEST ERROR"],
    names.map((c) => {
      const info = view.components[c];
      const latest = info?.latestError;
      return [
        c,
        String(info?.errorCount ?? 0),
        latest ? `${ago(latest.errorTimeSecs, nowSecs)}: ${firstLine(latest.error)}` : "-",
      ];
    }),
  );
  return [head, "", workers, "", components].join("\n");
}

/** One row of `supervisors --json`. */
export interface SupervisorRow {
  readonly id: string;
  readonly host: string | null;
  readonly uptimeSecs: number | null;
  readonly usedPorts: number;
  /** The ports the supervisor offers (`meta`), when it says. */
  readonly totalPorts: number | null;
  readonly resources: Readonly<Record<string, number>>;
  readonly version: string | null;
}

/** The supervisors, by id; an undecodable one has nulls. */
export function supervisorRows(snapshot: ClusterSnapshot): SupervisorRow[] {
  return Object.entries(snapshot.supervisors).map(([id, s]) => ({
    id,
    host: s?.hostname ?? null,
    uptimeSecs: s?.uptimeSecs ?? null,
    usedPorts: s?.usedPorts?.length ?? 0,
    totalPorts: s?.meta ? s.meta.length : null,
    resources: s?.resourcesMap ?? {},
    version: s?.version ?? null,
  }));
}

/** The `supervisors` table. */
export function supervisorsText(style: Style, rows: readonly SupervisorRow[]): string {
  if (rows.length === 0) return "no supervisors";
  return table(
    style,
    ["ID", "HOST", "UPTIME", "PORTS", "RESOURCES", "VERSION"],
    rows.map((r) => [
      r.id,
      dash(r.host),
      r.uptimeSecs === null ? "-" : duration(r.uptimeSecs),
      `${r.usedPorts}/${dash(r.totalPorts)}`,
      Object.entries(r.resources).map(([k, v]) => `${k.replace(/^supervisor\./, "")}=${v}`).join(" ") || "-",
      dash(r.version),
    ]),
  );
}

/** One row of `errors <id> --json`, newest first. */
export interface ErrorRow {
  readonly component: string;
  readonly host: string | null;
  readonly port: number | null;
  readonly timeSecs: number;
  readonly error: string;
}

/** A topology's errors, newest first, of one component or all. */
export function errorRows(snapshot: ClusterSnapshot, id: string, component?: string): ErrorRow[] {
  const t = snapshot.topologies.find((x) => x.id === id);
  const rows = Object.entries(t?.errors ?? {}).filter(([c]) => component === undefined || c === component)
    .flatMap(([c, list]) =>
      list.map((e) => ({
        component: c,
        host: e.host ?? null,
        port: e.port ?? null,
        timeSecs: e.errorTimeSecs,
        error: e.error,
      }))
    );
  return rows.sort((a, b) => b.timeSecs - a.timeSecs);
}

/** The `errors` table: time, age, component, host:port and the error's first line. */
export function errorsText(style: Style, rows: readonly ErrorRow[], nowSecs: number): string {
  if (rows.length === 0) return "no errors";
  return table(
    style,
    ["TIME", "AGE", "COMPONENT", "HOST:PORT", "ERROR"],
    rows.map((r) => [
      isoTime(r.timeSecs),
      ago(r.timeSecs, nowSecs),
      r.component,
      `${dash(r.host)}:${dash(r.port)}`,
      paint(style, "red", firstLine(r.error)),
    ]),
  );
}

/** The `nimbuses` table (uptimeSecs is nimbus's start time in epoch seconds, as Storm stores it). */
export function nimbusesText(style: Style, snapshot: ClusterSnapshot): string {
  if (snapshot.nimbuses.length === 0) return "no nimbuses";
  return table(
    style,
    ["HOST:PORT", "LEADER", "STARTED", "VERSION"],
    snapshot.nimbuses.map((n) => [
      `${n.host}:${n.port}`,
      n.isLeader ? paint(style, "green", "yes") : "no",
      `${isoTime(n.uptimeSecs)} (${ago(n.uptimeSecs, snapshot.takenAtSecs)})`,
      n.version,
    ]),
  );
}
