#!/usr/bin/env node
import { Command } from "commander";
import { positiveInteger as positive } from "./parse-options.js";
import { demoCommand } from "./commands/demo-command.js";
import { addQueryCommands } from "./commands/query-command.js";
import { ingestCommand } from "./commands/ingest-command.js";
import { generateCommand } from "./commands/generate-command.js";

const DEFAULT_PATH = ".data/demo";

const program = new Command("rdg").description("RDG: a real-time distributed graph on plain key-value stores").showHelpAfterError();

program
  .command("demo")
  .description("generate member journeys, ingest them into LMDB, then run example queries")
  .option("--events <n>", "events to generate", positive("events"), 1_000_000)
  .option("--accounts <n>", "member accounts", positive("accounts"), 50_000)
  .option("--sessions <n>", "concurrent sessions", positive("sessions"), 20_000)
  .option("--path <dir>", "LMDB directory (replaced unless --keep)", DEFAULT_PATH)
  .option("--keep", "keep the existing data and add to it", false)
  .option("--no-sync", "skip fsync at commit (faster; a machine crash may lose the last commits)")
  .action((o: { events: number; accounts: number; sessions: number; path: string; keep: boolean; sync: boolean }) =>
    demoCommand({ ...o, noSync: !o.sync }));

program
  .command("ingest")
  .description("run one ingestion job into the embedded graph")
  .option("--source <kind>", "generator or file", "generator")
  .option("--file <path>", "JSON-lines events (with --source file)")
  .option("--events <n>", "events to generate (generator)", positive("events"))
  .option("--duration <seconds>", "stop after this long (generator)", positive("duration"))
  .option("--path <dir>", "LMDB directory", DEFAULT_PATH)
  .option("--dead-letters <path>", "JSON-lines file for refused events", ".data/dead-letters.jsonl")
  .action(ingestCommand);

program
  .command("generate")
  .description("write synthetic member-journey events as JSON lines (for ingest --source file)")
  .requiredOption("--out <path>", "file to write")
  .option("--events <n>", "events to generate", positive("events"), 100_000)
  .option("--seed <n>", "generator seed", positive("seed"), 42)
  .action(generateCommand);

addQueryCommands(program, DEFAULT_PATH);

program.parseAsync().catch((error: unknown) => {
  console.error(`rdg: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
