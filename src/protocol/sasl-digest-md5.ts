/**
 * SASL DIGEST-MD5 (RFC 2831) as ZooKeeper servers speak it (protocol reference §11.7): parse the
 * server's challenge, compute the client's response, check the server's `rspauth`. Only
 * `qop=auth` (authentication without a security layer). Pure functions apart from the random
 * cnonce of {@link digestMd5Conversation}, which tests can pass in.
 */
import { Buffer } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import { ErrorCode, ZooKeeperError } from "./errors.ts";

/** What the client needs from a `digest-challenge`. */
export interface DigestChallenge {
  /** The realms the server offers, in order (possibly none). */
  readonly realms: readonly string[];
  readonly nonce: string;
  /** The qop values the server offers (`auth` is always among them). */
  readonly qop: readonly string[];
  /** `charset=utf-8`: names and passwords may go beyond ISO 8859-1, as UTF-8. */
  readonly utf8: boolean;
}

/** Who authenticates, and to which service (`digest-uri` = `protocol/serverName`). */
export interface DigestCredentials {
  readonly username: string;
  readonly password: string;
  readonly protocol: string;
  readonly serverName: string;
}

/** The client's `digest-response` and the `rspauth` value that proves the server knew the password. */
export interface DigestResponse {
  readonly token: Uint8Array;
  readonly rspauth: string;
}

/**
 * One SASL conversation: the first token, then the answer to each server token until the
 * mechanism is done (`null`). Failures are {@link ZooKeeperError}s with code `AuthFailed`.
 */
export interface SaslConversation {
  readonly initial: Uint8Array;
  next(serverToken: Uint8Array): Uint8Array | null;
}

/** RFC 2831 §2.1.1: a larger challenge is an error. */
const MAX_CHALLENGE = 2048;
/** Directives a challenge may carry at most once (RFC 2831 §2.1.1: abort on repeats). */
const SINGLE = new Set(["nonce", "qop", "stale", "maxbuf", "charset", "algorithm", "cipher"]);

function failure(message: string): ZooKeeperError {
  return new ZooKeeperError(ErrorCode.AuthFailed, { op: "sasl", message });
}

/**
 * The `name=value` pairs of a directive list (RFC 2831 §7.1's `#` rule: commas with optional
 * whitespace, empty elements allowed), names lower-cased, quoted strings unescaped. `text`
 * holds one character per byte, so the structure is found before any charset applies.
 */
function directives(text: string): [string, string][] {
  const pairs: [string, string][] = [];
  const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r" || c === "\n";
  let i = 0;
  const skipSpace = () => {
    while (isSpace(text[i])) i++;
  };
  for (;;) {
    while (isSpace(text[i]) || text[i] === ",") i++;
    if (i >= text.length) return pairs;
    const nameStart = i;
    while (i < text.length && !isSpace(text[i]) && !'=,"'.includes(text[i] as string)) i++;
    const name = text.slice(nameStart, i).toLowerCase();
    skipSpace();
    if (name === "" || text[i] !== "=") {
      throw failure(`malformed DIGEST-MD5 message: expected name=value at byte ${nameStart}`);
    }
    i++;
    skipSpace();
    let value = "";
    if (text[i] === '"') {
      for (i++; text[i] !== '"'; i++) {
        if (i >= text.length) throw failure(`malformed DIGEST-MD5 message: unterminated quoted value of ${name}`);
        if (text[i] === "\\") i++; // quoted-pair: the next character stands for itself
        if (i < text.length) value += text[i];
      }
      i++;
    } else {
      const start = i;
      while (i < text.length && !isSpace(text[i]) && text[i] !== ",") i++;
      value = text.slice(start, i);
      if (value === "") throw failure(`malformed DIGEST-MD5 message: ${name} has no value`);
    }
    skipSpace();
    if (i < text.length && text[i] !== ",") throw failure(`malformed DIGEST-MD5 message: expected "," after ${name}`);
    pairs.push([name, value]);
  }
}

/** A value of one-character-per-byte text, read as UTF-8 when the server declared that charset. */
function decodeValue(value: string, utf8: boolean): string {
  if (!utf8) return value;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(value, "latin1"));
  } catch {
    throw failure("malformed DIGEST-MD5 challenge: a value is not UTF-8 despite charset=utf-8");
  }
}

/**
 * Parses a `digest-challenge` (RFC 2831 §2.1.1). Unknown directives are ignored; a missing or
 * repeated nonce, an algorithm other than `md5-sess`, an unknown charset or no `auth` qop
 * throw `AuthFailed`, as does anything unparseable.
 */
export function parseDigestChallenge(token: Uint8Array): DigestChallenge {
  if (token.length > MAX_CHALLENGE) {
    throw failure(`DIGEST-MD5 challenge of ${token.length} bytes exceeds ${MAX_CHALLENGE}`);
  }
  const pairs = directives(Buffer.from(token.buffer, token.byteOffset, token.byteLength).toString("latin1"));
  const seen = new Map<string, string>();
  const realms: string[] = [];
  for (const [name, value] of pairs) {
    if (name === "realm") realms.push(value);
    if (!SINGLE.has(name)) continue;
    if (seen.has(name)) throw failure(`DIGEST-MD5 challenge repeats ${name}`);
    seen.set(name, value);
  }
  const charset = seen.get("charset");
  if (charset !== undefined && charset.toLowerCase() !== "utf-8") {
    throw failure(`DIGEST-MD5 challenge has unknown charset ${JSON.stringify(charset)}`);
  }
  const algorithm = seen.get("algorithm");
  if (algorithm?.toLowerCase() !== "md5-sess") {
    throw failure(`DIGEST-MD5 challenge needs algorithm=md5-sess, got ${JSON.stringify(algorithm ?? null)}`);
  }
  const nonce = seen.get("nonce");
  if (nonce === undefined || nonce === "") throw failure("DIGEST-MD5 challenge has no nonce");
  const qop = (seen.get("qop") ?? "auth").split(",").map((q) => q.trim()).filter((q) => q !== "");
  if (!qop.includes("auth")) throw failure(`the server offers qop ${JSON.stringify(qop.join(","))} but not auth`);
  const utf8 = charset !== undefined;
  return { realms: realms.map((r) => decodeValue(r, utf8)), nonce: decodeValue(nonce, utf8), qop, utf8 };
}

/** A value between double quotes, `"` and `\` escaped. */
function quote(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

function isLatin1(value: string): boolean {
  return !/[^\u0000-\u00ff]/.test(value);
}

/** How a response text goes on the wire: UTF-8 when the server allows it, else ISO 8859-1. */
function wireBytes(text: string, utf8: boolean): Buffer {
  return Buffer.from(text, utf8 ? "utf8" : "latin1");
}

/**
 * Bytes of a name or password for H(A1): ISO 8859-1 when every character fits, even under
 * charset=utf-8 (RFC 2831 §2.1.2.1; the Java SASL server hashes the same way).
 */
function hashBytes(value: string): Buffer {
  return Buffer.from(value, isLatin1(value) ? "latin1" : "utf8");
}

function md5(...parts: (string | Uint8Array)[]): Buffer {
  const hash = createHash("md5");
  for (const p of parts) hash.update(p);
  return hash.digest();
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/**
 * The `digest-response` to a challenge (RFC 2831 §2.1.2, qop=auth, nonce count 1) and the
 * `rspauth` the server must answer with. The first offered realm is used. Throws `AuthFailed`
 * when a name or password cannot be sent in the server's charset.
 */
export function digestResponse(
  challenge: DigestChallenge,
  credentials: DigestCredentials,
  cnonce: string,
): DigestResponse {
  const { username, password } = credentials;
  if (!challenge.utf8 && !(isLatin1(username) && isLatin1(password))) {
    throw failure("the user name or password has characters beyond ISO 8859-1 and the server does not accept UTF-8");
  }
  const realm = challenge.realms[0];
  const digestUri = `${credentials.protocol}/${credentials.serverName}`;
  const nc = "00000001";
  const wire = (s: string) => wireBytes(s, challenge.utf8);
  const secret = md5(hashBytes(username), ":", hashBytes(realm ?? ""), ":", hashBytes(password));
  const ha1 = hex(md5(secret, ":", wire(challenge.nonce), ":", wire(cnonce)));
  // rspauth differs from the response only in A2's missing "AUTHENTICATE" (§2.1.3).
  const kd = (a2: string) =>
    hex(md5(ha1, ":", wire(challenge.nonce), ":", nc, ":", wire(cnonce), ":auth:", hex(md5(wire(a2)))));
  const fields = [
    ...(challenge.utf8 ? ["charset=utf-8"] : []),
    `username=${quote(username)}`,
    ...(realm === undefined ? [] : [`realm=${quote(realm)}`]),
    `nonce=${quote(challenge.nonce)}`,
    `nc=${nc}`,
    `cnonce=${quote(cnonce)}`,
    `digest-uri=${quote(digestUri)}`,
    `response=${kd(`AUTHENTICATE:${digestUri}`)}`,
    "qop=auth",
  ];
  return { token: new Uint8Array(wire(fields.join(","))), rspauth: kd(`:${digestUri}`) };
}

/** Throws `AuthFailed` unless `token` is `rspauth=<expected>` (the server proved it knows the password). */
export function checkRspauth(token: Uint8Array, expected: string): void {
  const pairs = directives(Buffer.from(token.buffer, token.byteOffset, token.byteLength).toString("latin1"));
  const rspauth = pairs.find(([name]) => name === "rspauth")?.[1];
  if (rspauth === undefined) throw failure("the server's last DIGEST-MD5 message has no rspauth");
  if (rspauth.toLowerCase() !== expected) {
    throw failure("the server's rspauth is wrong: it does not know the password (or is not the server asked for)");
  }
}

/** A random client nonce (RFC 2831 asks for at least 64 bits of entropy). */
export function randomCnonce(): string {
  return randomBytes(16).toString("hex");
}

/**
 * The client side of one DIGEST-MD5 exchange: an empty first token, the response to the
 * challenge, then the check of `rspauth`.
 */
export function digestMd5Conversation(
  credentials: DigestCredentials,
  cnonce: string = randomCnonce(),
): SaslConversation {
  let expected: string | undefined;
  let done = false;
  return {
    initial: new Uint8Array(0),
    next(serverToken) {
      if (done) throw failure("the server sent DIGEST-MD5 data after the exchange completed");
      if (expected === undefined) {
        // What a ZooKeeper server without a JAAS Server section answers (it logs "saslServer is null").
        if (serverToken.length === 0) {
          throw failure("the server sent no DIGEST-MD5 challenge: is SASL configured on it (a JAAS Server section)?");
        }
        const response = digestResponse(parseDigestChallenge(serverToken), credentials, cnonce);
        expected = response.rspauth;
        return response.token;
      }
      checkRspauth(serverToken, expected);
      done = true;
      return null;
    },
  };
}
