// Function names for addresses in a stripped Go executable (the terraform release binary
// is one): Go keeps its function table, .gopclntab, for its own stack traces. Read here
// without a Go toolchain (Debian's go 1.19 cannot read the table of Go 1.20 and later).
// Layout: runtime/symtab.go (pcHeader, functab, _func) of Go 1.20+.
import { readFileSync } from "node:fs";

const PCLNTAB_MAGIC_GO120 = 0xfffffff1;
const PT_LOAD = 1;
const PF_X = 1;

export class GoSymbols {
  private constructor(
    /** Entry addresses, ascending, and the function starting at each. */
    private readonly entries: number[],
    private readonly names: string[],
    /** What `perf script` prints for this executable is an offset from here. */
    readonly loadBase: number,
  ) {}

  static read(executable: string): GoSymbols {
    const file = readFileSync(executable);
    const table = section(file, ".gopclntab");
    if (table.readUInt32LE(0) !== PCLNTAB_MAGIC_GO120) throw new Error(`${executable}: not a Go 1.20+ function table`);
    const word = (at: number) => Number(table.readBigUInt64LE(at));
    const count = word(8);
    const textStart = word(24);
    const namesAt = word(32);
    const functabAt = word(64);
    const entries: number[] = [];
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const entryOffset = table.readUInt32LE(functabAt + 8 * i);
      const funcOffset = table.readUInt32LE(functabAt + 8 * i + 4);
      const nameAt = namesAt + table.readInt32LE(functabAt + funcOffset + 4);
      entries.push(textStart + entryOffset);
      names.push(table.toString("latin1", nameAt, table.indexOf(0, nameAt)));
    }
    return new GoSymbols(entries, names, executableSegmentBase(file));
  }

  /** The function containing `address` (a virtual address). */
  name(address: number): string {
    let low = 0;
    let high = this.entries.length - 1;
    if (high < 0 || address < this.entries[0]!) return `0x${address.toString(16)}`;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.entries[middle]! <= address) low = middle;
      else high = middle - 1;
    }
    return this.names[low]!;
  }
}

function section(file: Buffer, wanted: string): Buffer {
  const headersAt = Number(file.readBigUInt64LE(0x28));
  const size = file.readUInt16LE(0x3a);
  const count = file.readUInt16LE(0x3c);
  const header = (i: number) => headersAt + i * size;
  const namesAt = Number(file.readBigUInt64LE(header(file.readUInt16LE(0x3e)) + 0x18));
  for (let i = 0; i < count; i++) {
    const nameAt = namesAt + file.readUInt32LE(header(i));
    if (file.toString("latin1", nameAt, file.indexOf(0, nameAt)) !== wanted) continue;
    const offset = Number(file.readBigUInt64LE(header(i) + 0x18));
    return file.subarray(offset, offset + Number(file.readBigUInt64LE(header(i) + 0x20)));
  }
  throw new Error(`no ${wanted} section (not a Go executable?)`);
}

/** Virtual address minus file offset of the executable segment. */
function executableSegmentBase(file: Buffer): number {
  const headersAt = Number(file.readBigUInt64LE(0x20));
  const size = file.readUInt16LE(0x36);
  for (let i = 0; i < file.readUInt16LE(0x38); i++) {
    const at = headersAt + i * size;
    if (file.readUInt32LE(at) === PT_LOAD && file.readUInt32LE(at + 4) & PF_X) {
      return Number(file.readBigUInt64LE(at + 0x10)) - Number(file.readBigUInt64LE(at + 0x08));
    }
  }
  throw new Error("no executable segment");
}
