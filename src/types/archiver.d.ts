/** The part of archiver 8's API homegarden uses (archiver ships no types; @types/archiver is for 7). */
declare module "archiver" {
  import type { Readable } from "node:stream";

  interface EntryData {
    name: string;
    mode?: number;
    date?: Date;
  }

  export class TarArchive extends Readable {
    constructor(options?: { gzip?: boolean });
    append(source: Buffer | string, data: EntryData): this;
    finalize(): Promise<void>;
  }
}
