/**
 * Four-letter words (`ruok`, `srvr`, `stat`, `mntr`, `cons`, `wchc`, `wchp`, `dump`): a client
 * sends the four bytes instead of a ConnectRequest; the server writes a text answer and closes.
 * The answers follow the layout of ZooKeeper 3.8's, with this server's own figures.
 */
import type { Engine, Peer } from "./engine.ts";

const words = new Set(["ruok", "srvr", "stat", "mntr", "cons", "wchc", "wchp", "dump"]);

/** Whether the first four bytes of a connection spell a word this server answers. */
export function isFourLetterWord(bytes: Uint8Array): boolean {
  return words.has(String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0, bytes[2] ?? 0, bytes[3] ?? 0));
}

function hex(id: bigint): string {
  return `0x${id.toString(16)}`;
}

function describe(peer: Peer): string {
  return peer.sessionId === 0n ? `${peer.remoteIp}` : `${hex(peer.sessionId)}`;
}

/** The text answer to `word` (see the module comment). */
export function fourLetterWordAnswer(word: string, engine: Engine): string {
  const nodeCount = engine.tree.nodes.size;
  const connections = engine.openConnections;
  const header = [
    "Zookeeper version: 3.8.0-stormkeeper-embedded, built on 1970-01-01 00:00 UTC",
    `Latency min/avg/max: 0/0.0/0`,
    `Received: ${engine.served}`,
    `Sent: ${engine.served}`,
    `Connections: ${connections}`,
    `Outstanding: 0`,
    `Zxid: ${hex(engine.zxid)}`,
    `Mode: standalone`,
    `Node count: ${nodeCount}`,
  ];
  switch (word) {
    case "ruok":
      return "imok";
    case "srvr":
      return `${header.join("\n")}\n`;
    case "stat": {
      const clients = [...engine.peers.values()].map((p) => ` /${p.remoteIp}[1](queued=0,recved=0,sent=0)`);
      return `${header[0]}\nClients:\n${clients.join("\n")}\n\n${header.slice(1).join("\n")}\n`;
    }
    case "mntr":
      return [
        "zk_version\t3.8.0-stormkeeper-embedded",
        "zk_server_state\tstandalone",
        `zk_znode_count\t${nodeCount}`,
        `zk_num_alive_connections\t${connections}`,
        `zk_watch_count\t${[...engine.watches.watchedPaths().values()].reduce((n, w) => n + w.length, 0)}`,
        `zk_ephemerals_count\t${[...engine.tree.ephemerals.values()].reduce((n, s) => n + s.size, 0)}`,
        `zk_outstanding_requests\t0`,
        "",
      ].join("\n");
    case "cons":
      return [...engine.peers.values()].map((p) => ` /${p.remoteIp}[1](queued=0,sid=${hex(p.sessionId)})\n`).join("") +
        "\n";
    case "wchp": {
      const lines: string[] = [];
      for (const [path, watchers] of engine.watches.watchedPaths()) {
        lines.push(
          path,
          ...watchers.map((w) => `\t${describe(w)}`),
        );
      }
      return `${lines.join("\n")}\n`;
    }
    case "wchc": {
      const byWatcher = new Map<Peer, string[]>();
      for (const [path, watchers] of engine.watches.watchedPaths()) {
        for (const w of watchers) byWatcher.set(w, [...(byWatcher.get(w) ?? []), path]);
      }
      const lines: string[] = [];
      for (const [w, paths] of byWatcher) lines.push(describe(w), ...paths.map((p) => `\t${p}`));
      return `${lines.join("\n")}\n`;
    }
    default: {
      const lines = ["SessionTracker dump:", `Session Sets (${engine.sessions.sessions.size}):`];
      for (const s of engine.sessions.sessions.values()) lines.push(`\t${hex(s.id)}\t${s.timeout}ms`);
      lines.push("ephemeral nodes dump:", `Sessions with Ephemerals (${engine.tree.ephemerals.size}):`);
      for (const [id, paths] of engine.tree.ephemerals) lines.push(`${hex(id)}:`, ...[...paths].map((p) => `\t${p}`));
      return `${lines.join("\n")}\n`;
    }
  }
}
