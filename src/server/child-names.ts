/**
 * A node's child names, in the order they were added (the order getChildren lists them;
 * ZooKeeper promises no order), with their jute encoding kept between changes: a getChildren
 * reply of a node with 10,000 children would otherwise encode all 10,000 names afresh each time.
 */
import { JuteWriter } from "../jute/writer.ts";

/** See the module comment. */
export class ChildNames implements Iterable<string> {
  readonly #names: Set<string>;
  /**
   * The names as one jute string vector, or undefined until asked for. Every change drops it,
   * and it is never written into, so bytes handed out stay a snapshot of that moment.
   */
  #encoded: Uint8Array | undefined;

  constructor(names: Iterable<string> = [], encoded?: Uint8Array) {
    this.#names = new Set(names);
    this.#encoded = encoded;
  }

  get size(): number {
    return this.#names.size;
  }

  add(name: string): void {
    this.#names.add(name);
    this.#encoded = undefined;
  }

  delete(name: string): void {
    this.#names.delete(name);
    this.#encoded = undefined;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.#names.values();
  }

  /** The names as a jute vector of strings (count, then each name), ready to copy into a reply. */
  encoded(): Uint8Array {
    if (this.#encoded === undefined) {
      const w = new JuteWriter(1024);
      w.stringVector([...this.#names]);
      // A copy of exactly the vector, so the cache does not hold the writer's spare capacity.
      this.#encoded = w.take().slice();
    }
    return this.#encoded;
  }

  /** An independent copy (for a snapshot), sharing the encoding, which is never mutated. */
  copy(): ChildNames {
    return new ChildNames(this.#names, this.#encoded);
  }
}
