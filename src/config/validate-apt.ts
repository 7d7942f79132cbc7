/**
 * apt settings: a LINBIT repository URL (or local mirror), a vendored keyring, vendored .deb files.
 * Vendored files are read here, at render time, so a missing or unreadable one is a config error
 * that points at its line, never a surprise on an air-gapped node.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { catalogue } from "../diagnostics/catalogue.js";
import { readRegularFile } from "../read-regular-file.js";
import type { Findings } from "./findings.js";
import type { AptConfig } from "./types.js";

export interface VendoredDeb {
  /** File name, e.g. "drbd-utils_9.31.0-1_amd64.deb". */
  name: string;
  content: Buffer;
}

/** A .deb name that is one safe path segment (Debian's package_version_arch.deb characters). */
export const DEB_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+~-]*\.deb$/;
/** Every .deb is an ar archive whose first member is debian-binary. */
const DEB_MAGIC = Buffer.from("!<arch>\ndebian-binary");
/** A keyring is a few KiB; LINBIT's whole package set for one release is far below 256 MiB per file. */
const MAX_KEYRING_BYTES = 1024 * 1024;
const MAX_DEB_BYTES = 256 * 1024 * 1024;

/**
 * An apt repository URL that is safe to print into a deb822 `URIs:` field: http(s) or file, written
 * in canonical form, without credentials (those belong in /etc/apt/auth.conf.d, not in a bundle),
 * query or fragment.
 */
export function validAptUrl(value: string): boolean {
  if (!/^[A-Za-z0-9._~%:/@+-]+$/.test(value)) return false;
  try {
    const url = new URL(value);
    if (!["http:", "https:", "file:"].includes(url.protocol)) return false;
    if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") return false;
    const canonical = url.href;
    return canonical === value || canonical === `${value}/`;
  } catch {
    return false;
  }
}

/** A binary OpenPGP keyring starts with a packet tag byte (bit 7 set); an armored one with text. */
function isBinaryKeyring(content: Buffer): boolean {
  return content.length > 0 && (content[0] & 0x80) !== 0;
}

export function validateApt(
  apt: AptConfig,
  configFile: string,
  f: Findings,
): { keyring?: Buffer; debs?: VendoredDeb[] } {
  const base = dirname(configFile);
  if (apt.linbit === undefined && apt.debs === undefined) f.add(catalogue.aptSourceMissing, ["apt"]);
  if (apt.linbit !== undefined && !validAptUrl(apt.linbit)) f.add(catalogue.urlInvalid, ["apt", "linbit"], apt.linbit);

  let keyring: Buffer | undefined;
  if (apt.keyring !== undefined) {
    const read = readRegularFile(resolve(base, apt.keyring), MAX_KEYRING_BYTES);
    if (!read.ok) f.add(catalogue.keyringMissing, ["apt", "keyring"], apt.keyring, read.why);
    else if (!isBinaryKeyring(read.content)) f.add(catalogue.keyringNotBinary, ["apt", "keyring"], apt.keyring);
    else keyring = read.content;
  }

  let debs: VendoredDeb[] | undefined;
  if (apt.debs !== undefined) {
    const folder = resolve(base, apt.debs);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      f.add(catalogue.debsFolderInvalid, ["apt", "debs"], apt.debs, "no such folder");
    } else {
      const names = readdirSync(folder)
        .filter((n) => n.endsWith(".deb"))
        .sort();
      if (names.length === 0) f.add(catalogue.debsFolderInvalid, ["apt", "debs"], apt.debs, "it holds no .deb file");
      debs = [];
      for (const name of names) {
        if (!DEB_FILE_NAME.test(name)) {
          f.add(catalogue.debFileInvalid, ["apt", "debs"], name, "has a name that is not letters, digits and _.+~-");
          continue;
        }
        const read = readRegularFile(resolve(folder, name), MAX_DEB_BYTES);
        if (!read.ok) f.add(catalogue.debFileInvalid, ["apt", "debs"], name, read.why);
        else if (!read.content.subarray(0, DEB_MAGIC.length).equals(DEB_MAGIC)) {
          f.add(catalogue.debFileInvalid, ["apt", "debs"], name, "is not a Debian package (no debian-binary member)");
        } else debs.push({ name, content: read.content });
      }
    }
  }
  return { ...(keyring ? { keyring } : {}), ...(debs && debs.length > 0 ? { debs } : {}) };
}
