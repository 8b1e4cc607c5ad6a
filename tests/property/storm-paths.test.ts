import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  errorPath,
  lastErrorPath,
  normalizePath,
  tokenizePath,
  urlDecode,
  urlEncode,
  workerbeatPath,
} from "../../src/storm/paths.ts";

/**
 * An independent model of Java's `URLEncoder.encode(s, "UTF-8")`: `encodeURIComponent` also keeps
 * `! ' ( ) ~` (Java escapes them) and writes a space as `%20` (Java: `+`); Java turns a lone
 * surrogate into `?` before encoding.
 */
function javaUrlEncode(s: string): string {
  let wellFormed = "";
  for (const ch of s) wellFormed += ch.length === 1 && /[\uD800-\uDFFF]/.test(ch) ? "?" : ch;
  return encodeURIComponent(wellFormed)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

// Component ids rich in what matters: separators, spaces, plus and percent signs, BMP and astral characters.
const special = fc.constantFrom("/", " ", "+", "%", "*", "-", ".", "_", "~", "!", "ü", "日", "😀", "𝄞", "%2F", "+%");
const componentId = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.array(fc.oneof(special, fc.string({ maxLength: 3 })), { maxLength: 8 }).map((parts) => parts.join("")),
);
// Any UTF-16 code units, lone surrogates included.
const anyUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
  maxLength: 20,
});
const segment = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes("/") && s !== "." && s !== "..");

describe("paths (properties)", () => {
  test("urlEncode is Java's URLEncoder: it agrees with an independent model on any string", () => {
    fc.assert(
      fc.property(fc.oneof(componentId, anyUnits), (s) => {
        assert.equal(urlEncode(s), javaUrlEncode(s));
      }),
      { numRuns: 500 },
    );
  });

  test("urlDecode inverts urlEncode, and an encoded id is one path segment of safe characters", () => {
    fc.assert(
      fc.property(componentId, (id) => {
        const encoded = urlEncode(id);
        assert.equal(urlDecode(encoded), id);
        assert.match(encoded, /^[A-Za-z0-9.*_+%-]*$/);
      }),
      { numRuns: 500 },
    );
  });

  test("error paths tokenize to errors / id / encoded component, and the component decodes back", () => {
    fc.assert(fc.property(segment, componentId.filter((c) => !["", ".", ".."].includes(c)), (id, component) => {
      const tokens = tokenizePath(errorPath(id, component));
      assert.deepEqual(tokens, ["errors", id, urlEncode(component)]);
      assert.equal(urlDecode(tokens[2] ?? ""), component);
      const last = tokenizePath(lastErrorPath(id, component));
      assert.equal(last.length, 3);
      assert.equal(urlDecode((last[2] ?? "").slice(0, -"-last-error".length)), component);
    }));
  });

  test("workerbeat paths tokenize to workerbeats / id / node-port", () => {
    fc.assert(fc.property(segment, segment, fc.integer({ min: 0, max: 65535 }), (id, node, port) => {
      assert.deepEqual(tokenizePath(workerbeatPath(id, node, port)), ["workerbeats", id, `${node}-${port}`]);
    }));
  });

  test("normalizing keeps the tokens, is idempotent, and tokens never hold a slash or are empty", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant("/"), fc.constant("//"), segment), { maxLength: 10 }).map((p) => p.join("")),
        (path) => {
          const normal = normalizePath(path);
          assert.deepEqual(tokenizePath(normal), tokenizePath(path));
          assert.equal(normalizePath(normal), normal);
          assert.ok(normal.startsWith("/"));
          for (const t of tokenizePath(path)) assert.ok(t !== "" && !t.includes("/"));
        },
      ),
    );
  });
});
