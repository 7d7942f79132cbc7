/** Reads a .tar.gz in memory (ustar with pax path records), for checking bundles without extracting them. */
import { gunzipSync } from "node:zlib";

export interface TarEntry {
  name: string;
  mode: number;
  type: "file" | "directory" | "other";
  content: Buffer;
}

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString("utf8");
}

function octal(block: Buffer, offset: number, length: number): number {
  const text = field(block, offset, length).trim();
  return text === "" ? 0 : parseInt(text, 8);
}

function paxPath(content: Buffer): string | undefined {
  for (const record of content.toString("utf8").split("\n")) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1];
  }
  return undefined;
}

export function readTarGz(data: Buffer): TarEntry[] {
  const tar = gunzipSync(data);
  const entries: TarEntry[] = [];
  let offset = 0;
  let nextName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const typeflag = String.fromCharCode(header[156] || 48);
    const prefix = field(header, 345, 155);
    const baseName = field(header, 0, 100);
    const content = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (typeflag === "x") {
      nextName = paxPath(content);
      continue;
    }
    if (typeflag === "L") {
      nextName = content.toString("utf8").replace(/\0+$/, "");
      continue;
    }
    const name = nextName ?? (prefix ? `${prefix}/${baseName}` : baseName);
    nextName = undefined;
    entries.push({
      name,
      mode: octal(header, 100, 8) & 0o7777,
      type: typeflag === "0" ? "file" : typeflag === "5" ? "directory" : "other",
      content: Buffer.from(content),
    });
  }
  return entries;
}
