// Reads an Arrow IPC file (Feather v2) with the apache-arrow JavaScript
// implementation, independent of the Go writer, and prints its schema and rows
// as JSON: {"fields":[{"name","type","nullable"}],"rows":[[...]]}.
// Dictionary columns are decoded to their values; dates as YYYY-MM-DD;
// 64-bit integers as numbers when safe, else strings.
import { readFileSync } from "node:fs";
import { tableFromIPC } from "apache-arrow";

const path = process.argv[2];
if (!path) {
  console.error("usage: node ipc.mjs FILE.arrow");
  process.exit(2);
}
try {
  const table = tableFromIPC(readFileSync(path));
  const fields = table.schema.fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable }));
  const conv = (v) => {
    if (v === null || v === undefined) return null;
    if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if (typeof v === "object" && typeof v.toArray === "function") return Array.from(v.toArray(), conv);
    return v;
  };
  const rows = [];
  for (let i = 0; i < table.numRows; i++) {
    rows.push(table.schema.fields.map((f) => {
      const col = table.getChild(f.name);
      const v = col.get(i);
      if (String(f.type).startsWith("Date")) return v === null ? null : new Date(v).toISOString().slice(0, 10);
      return conv(v);
    }));
  }
  process.stdout.write(JSON.stringify({ fields, rows }));
} catch (e) {
  console.error(String(e && e.stack || e));
  process.exit(1);
}
