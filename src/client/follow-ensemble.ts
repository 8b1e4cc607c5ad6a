/**
 * The `followEnsemble` option: the client re-reads the ensemble configuration on every connect
 * and every change of it, and replaces its host list with the configuration's servers.
 */
import { ensembleHosts } from "../protocol/ensemble-config.ts";
import type { WatchedEvent } from "../protocol/events.ts";
import type { Endpoint } from "../transport/transport.ts";
import type { ConfigResult } from "./ensemble.ts";
import { indexOfEndpoint } from "./hosts.ts";
import type { Logger } from "./logger.ts";
import type { WatchOptions } from "./operations.ts";
import type { StateEvent } from "./session-state.ts";

/** What following needs of a client. */
export interface FollowingClient {
  getConfig(options: WatchOptions): Promise<ConfigResult>;
  updateServerList(hosts: readonly Endpoint[]): void;
  readonly serverList: readonly Endpoint[];
  on(type: "state", listener: (event: StateEvent) => void): () => void;
}

/** Starts following; see the module comment. */
export function followEnsemble(client: FollowingClient, log: Logger): void {
  const follow = (event?: WatchedEvent): void => {
    if (event !== undefined && event.type !== "NodeDataChanged") return;
    client.getConfig({ watch: follow }).then(({ config }) => {
      const hosts = ensembleHosts(config);
      const current = client.serverList;
      const same = hosts.length === current.length && hosts.every((h) => indexOfEndpoint(current, h) >= 0);
      if (hosts.length === 0 || same) return;
      log("info", "following the ensemble configuration", { version: config.version, hosts });
      client.updateServerList(hosts);
    }, (error: unknown) => {
      // A lost connection re-reads at the next connect; a closed client stops here.
      log("debug", "could not read the ensemble configuration", { error });
    });
  };
  // The one-shot config watch is restored with the others after a reconnect; a read cut off
  // by a disconnect, or a new session's empty watch table, needs the read again.
  client.on("state", (event) => {
    if (event === "connected" || event === "reconnected" || event === "newSession") follow();
  });
}
