import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as paths from "../../src/storm/paths.ts";

// Produced by OpenJDK 17: `URLEncoder.encode(s, "UTF-8")` and `URLDecoder.decode(s, "UTF-8")`.
const JAVA_ENCODED: readonly (readonly [string, string])[] = [
  ["", ""],
  ["spout", "spout"],
  ["a b", "a+b"],
  ["split/words", "split%2Fwords"],
  ["a+b", "a%2Bb"],
  ["100%", "100%25"],
  ["*-._~", "*-._%7E"],
  ["!'()", "%21%27%28%29"],
  ["\u00fcn\u00ef", "%C3%BCn%C3%AF"],
  ["\u20ac", "%E2%82%AC"],
  ["\ud83d\ude00", "%F0%9F%98%80"],
  ["\u65e5\u672c\u8a9e", "%E6%97%A5%E6%9C%AC%E8%AA%9E"],
  ["\ud800", "%3F"],
  ["x\udc00y", "x%3Fy"],
  ["\udbff\udfff", "%F4%8F%BF%BF"],
  ["tab\there", "tab%09here"],
  ["new\nline", "new%0Aline"],
  ["__acker", "__acker"],
  ["$base64", "%24base64"],
  ["a=b&c", "a%3Db%26c"],
  ["\u0000", "%00"],
  ["\u007f", "%7F"],
  ["\u0080", "%C2%80"],
  ["\u07ff", "%DF%BF"],
  ["\u0800", "%E0%A0%80"],
  ["\uffff", "%EF%BF%BF"],
];
const JAVA_DECODED: readonly (readonly [string, string])[] = [
  ["a+b", "a b"],
  ["%2F", "/"],
  ["%C3%BC", "\u00fc"],
  ["%c3%bc", "\u00fc"],
  ["\ud83d\ude00", "\ud83d\ude00"],
  ["%F0%9F%98%80", "\ud83d\ude00"],
  ["%FF", "\ufffd"],
  ["%C3", "\ufffd"],
  ["%C3x%BC", "\ufffdx\ufffd"],
  ["\u00fc+%C3%BC", "\u00fc \u00fc"],
  ["%E2%82", "\ufffd"],
  ["plain", "plain"],
];

describe("Storm paths", () => {
  test("urlEncode gives exactly what Java's URLEncoder gives", () => {
    for (const [input, expected] of JAVA_ENCODED) assert.equal(paths.urlEncode(input), expected, JSON.stringify(input));
  });

  test("urlDecode gives exactly what Java's URLDecoder gives, malformed UTF-8 included", () => {
    for (const [input, expected] of JAVA_DECODED) assert.equal(paths.urlDecode(input), expected, JSON.stringify(input));
  });

  test("urlDecode refuses a broken escape, as Java does", () => {
    for (const bad of ["%", "%2", "a%G1", "%%41", "%2F%"]) assert.throws(() => paths.urlDecode(bad), URIError, bad);
  });

  test("every path helper builds Storm's layout", () => {
    const expected: readonly (readonly [string, string])[] = [
      [paths.assignmentPath("wc-1-1700000000"), "/assignments/wc-1-1700000000"],
      [paths.stormPath("wc-1"), "/storms/wc-1"],
      [paths.supervisorPath("sup-uuid"), "/supervisors/sup-uuid"],
      [paths.nimbusPath("nimbus1:6627"), "/nimbuses/nimbus1:6627"],
      [paths.credentialsPath("wc-1"), "/credentials/wc-1"],
      [paths.logConfigPath("wc-1"), "/logconfigs/wc-1"],
      [paths.blobstorePath("wc-1-stormjar.jar"), "/blobstore/wc-1-stormjar.jar"],
      [
        paths.blobstoreVersionPath("wc-1-stormjar.jar", "nimbus1:6627:0", 3),
        "/blobstore/wc-1-stormjar.jar/nimbus1:6627:0-3",
      ],
      [paths.blobstoreMaxKeySequenceNumberPath("k"), "/blobstoremaxkeysequencenumber/k"],
      [paths.workerbeatStormRoot("wc-1"), "/workerbeats/wc-1"],
      [paths.workerbeatPath("wc-1", "sup-uuid", 6700), "/workerbeats/wc-1/sup-uuid-6700"],
      [paths.backpressureStormRoot("wc-1"), "/backpressure/wc-1"],
      [paths.backpressurePath("wc-1", "sup-uuid", 6701), "/backpressure/wc-1/sup-uuid-6701"],
      [paths.errorStormRoot("wc-1"), "/errors/wc-1"],
      [paths.errorPath("wc-1", "split words/2"), "/errors/wc-1/split+words%2F2"],
      [paths.lastErrorPath("wc-1", "spout"), "/errors/wc-1/spout-last-error"],
      [paths.profilerConfigRoot("wc-1"), "/profilerconfigs/wc-1"],
      [
        paths.profilerConfigPath("wc-1", "host-1", 6700, "JSTACK_DUMP"),
        "/profilerconfigs/wc-1/host-1_6700_JSTACK_DUMP",
      ],
      [paths.secretKeysPath("NIMBUS"), "/secretkeys/NIMBUS"],
      [paths.secretKeysPath("DRPC", "wc-1"), "/secretkeys/DRPC/wc-1"],
      [paths.secretKeysPath("SUPERVISOR", "wc-1", 0), "/secretkeys/SUPERVISOR/wc-1/0"],
      [paths.Roots.leaderInfo, "/leader-info"],
    ];
    for (const [actual, want] of expected) assert.equal(actual, want);
  });

  test("an id that is not one path segment is refused, so no helper can name a subtree or a node below another", () => {
    const helpers: readonly ((bad: string) => string)[] = [
      paths.assignmentPath,
      paths.stormPath,
      paths.supervisorPath,
      paths.nimbusPath,
      paths.credentialsPath,
      paths.logConfigPath,
      paths.blobstorePath,
      paths.blobstoreMaxKeySequenceNumberPath,
      paths.workerbeatStormRoot,
      paths.backpressureStormRoot,
      paths.errorStormRoot,
      paths.profilerConfigRoot,
      (bad) => paths.secretKeysPath(bad),
      (bad) => paths.secretKeysPath("NIMBUS", bad, 0),
      (bad) => paths.workerbeatPath(bad, "sup", 6700),
      (bad) => paths.errorPath(bad, "spout"),
      (bad) => paths.lastErrorPath(bad, "spout"),
      (bad) => paths.blobstoreVersionPath(bad, "nimbus:6627", 1),
    ];
    for (const helper of helpers) {
      for (const bad of ["", ".", "..", "a/b", "/", "a/"]) {
        assert.throws(() => helper(bad), RangeError, `${helper.toString()} ${JSON.stringify(bad)}`);
      }
    }
    // Names built from several parts may not hold a "/" either.
    assert.throws(() => paths.workerbeatPath("t", "sup/1", 6700), RangeError);
    assert.throws(() => paths.backpressurePath("t", "a/b", 6700), RangeError);
    assert.throws(() => paths.blobstoreVersionPath("k", "h/1:6627", 1), RangeError);
    assert.throws(() => paths.profilerConfigPath("t", "host/1", 6700, "JSTACK_DUMP"), RangeError);
    // A component id is URL-encoded first, so "/" is fine there, but an empty or dot id is not.
    for (const bad of ["", ".", ".."]) assert.throws(() => paths.errorPath("t", bad), RangeError, JSON.stringify(bad));
    assert.equal(paths.pathSegment("wc-1-1700000000", "topology id"), "wc-1-1700000000");
    assert.equal(paths.workerbeatPath("t", "", 6700), "/workerbeats/t/-6700", "an empty node still names one child");
  });

  test("the subtrees created at start are Storm 2.x's nine", () => {
    assert.deepEqual([...paths.INITIAL_ROOTS].sort(), [
      "/assignments",
      "/backpressure",
      "/blobstore",
      "/errors",
      "/logconfigs",
      "/nimbuses",
      "/storms",
      "/supervisors",
      "/workerbeats",
    ]);
  });

  test("tokenizing drops empty tokens; normalizing re-joins them as Storm does", () => {
    assert.deepEqual(paths.tokenizePath(""), []);
    assert.deepEqual(paths.tokenizePath("/"), []);
    assert.deepEqual(paths.tokenizePath("//a//b/"), ["a", "b"]);
    assert.deepEqual(paths.tokenizePath("/errors/t/split%2Fwords"), ["errors", "t", "split%2Fwords"]);
    assert.equal(paths.normalizePath(""), "/");
    assert.equal(paths.normalizePath("/"), "/");
    assert.equal(paths.normalizePath("//a//b/"), "/a/b");
  });
});
