/** Test helpers for byte strings written like the protocol reference's tables. */
import { JuteWriter } from "../../src/jute/writer.ts";

/** Bytes from hex text; spaces and newlines are ignored ("00 00 00 2D"). */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Bytes as lowercase hex text without spaces, as Java's `HexFormat` and fixture files write them. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Runs `write` on a fresh writer and returns everything it wrote. */
export function written(write: (w: JuteWriter) => void, initialSize?: number): Uint8Array {
  const w = new JuteWriter(initialSize);
  write(w);
  return w.take().slice();
}

/** Writes one length-prefixed frame. */
export function frameOf(write: (w: JuteWriter) => void): Uint8Array {
  return written((w) => {
    const mark = w.beginFrame();
    write(w);
    w.endFrame(mark);
  });
}
