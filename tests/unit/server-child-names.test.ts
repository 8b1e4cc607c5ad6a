import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { JuteReader } from "../../src/jute/reader.ts";
import { ChildNames } from "../../src/server/child-names.ts";

const decode = (bytes: Uint8Array) => new JuteReader(bytes).stringList("children");

describe("embedded server: a node's child names", () => {
  test("the cached encoding follows every add and delete, in the order the names were added", () => {
    const names = new ChildNames();
    assert.deepEqual(decode(names.encoded()), []);
    names.add("b");
    names.add("a");
    names.add("é-ü");
    assert.deepEqual(decode(names.encoded()), ["b", "a", "é-ü"]);
    names.delete("a");
    assert.deepEqual(decode(names.encoded()), ["b", "é-ü"]);
    assert.equal(names.size, 2);
  });

  test("bytes handed out stay as they were; a copy changes apart from its original", () => {
    const names = new ChildNames(["x", "y"]);
    const before = names.encoded();
    const copy = names.copy();
    names.add("z");
    copy.delete("x");
    assert.deepEqual(decode(before), ["x", "y"]);
    assert.deepEqual(decode(names.encoded()), ["x", "y", "z"]);
    assert.deepEqual(decode(copy.encoded()), ["y"]);
    assert.deepEqual([...copy], ["y"]);
  });
});
