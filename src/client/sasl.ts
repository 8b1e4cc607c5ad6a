/**
 * SASL authentication of a connection (protocol reference §11.7): the `sasl` connect option,
 * checked before anything is sent, and the token exchange over opcode 102 that the session runs
 * right after each handshake, before anything else is written (§3.5).
 */
import { readData, writeSaslRequest } from "../jute/records.ts";
import { badArguments, ErrorCode, ZooKeeperError } from "../protocol/errors.ts";
import { OpCode } from "../protocol/opcodes.ts";
import { digestMd5Conversation, type SaslConversation } from "../protocol/sasl-digest-md5.ts";
import type { Request } from "./request.ts";

/**
 * SASL credentials for the `sasl` connect option. The defaults are those of ZooKeeper's Java
 * client for DIGEST-MD5, which its server expects: service `zookeeper`, server name
 * `zk-sasl-md5` (the server's realm).
 */
export interface SaslOptions {
  /** The only mechanism offered: DIGEST-MD5 (the server's `DigestLoginModule` users). */
  readonly mechanism: "DIGEST-MD5";
  readonly username: string;
  readonly password: string;
  /** The host part of the `digest-uri`. Default `"zk-sasl-md5"`. */
  readonly serverName?: string;
  /** The service part of the `digest-uri`. Default `"zookeeper"`. */
  readonly protocol?: string;
}

/** Starts one conversation per connection (a conversation holds its nonces). */
export type SaslStarter = () => SaslConversation;

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== "string" || value === "") {
    throw badArguments(`sasl.${name} must be a non-empty string, got ${value === "" ? '""' : typeof value}`);
  }
  return value;
}

/** Checks the `sasl` option and returns how to start a conversation; undefined when absent. */
export function saslStarter(options: unknown): SaslStarter | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null) {
    throw badArguments("sasl must be { mechanism, username, password }");
  }
  const o = options as Partial<Record<keyof SaslOptions, unknown>>;
  if (o.mechanism !== "DIGEST-MD5") {
    throw badArguments(`sasl.mechanism must be "DIGEST-MD5", got ${JSON.stringify(o.mechanism) ?? "undefined"}`);
  }
  const username = nonEmptyString(o.username, "username");
  if (typeof o.password !== "string") throw badArguments(`sasl.password must be a string, got ${typeof o.password}`);
  const credentials = {
    username,
    password: o.password,
    serverName: o.serverName === undefined ? "zk-sasl-md5" : nonEmptyString(o.serverName, "serverName"),
    protocol: o.protocol === undefined ? "zookeeper" : nonEmptyString(o.protocol, "protocol"),
  };
  return () => digestMd5Conversation(credentials);
}

/**
 * Runs a conversation through `send` (an ordinary request with an ordinary xid, answered
 * before anything written after it) and calls `done` once: without an error when the
 * mechanism completed, else with the server's error (`AuthFailed`,
 * `SessionClosedRequireSaslAuth`), the mechanism's own (`AuthFailed`) or the connection's.
 */
export function runSasl(
  send: (request: Request) => void,
  conversation: SaslConversation,
  done: (error?: ZooKeeperError) => void,
): void {
  const step = (token: Uint8Array): void => {
    send({
      op: "sasl",
      opcode: OpCode.sasl,
      path: undefined,
      xid: 0,
      encode: (w) => writeSaslRequest(w, token),
      complete(err, r) {
        if (err !== 0) {
          const message = err === ErrorCode.AuthFailed
            ? "the server rejected the SASL credentials (wrong user name or password?)"
            : undefined;
          done(new ZooKeeperError(err, { op: "sasl", message }));
          return;
        }
        const serverToken = readData(r);
        let next: Uint8Array | null;
        try {
          next = conversation.next(serverToken);
        } catch (error) {
          if (!(error instanceof ZooKeeperError)) throw error;
          done(error);
          return;
        }
        if (next === null) done();
        else step(next);
      },
      fail: done,
    });
  };
  step(conversation.initial);
}
