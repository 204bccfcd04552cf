import { refusal } from "../cli-error.js";
import { graphFilesIn, inspectForReset, removeGraphFiles } from "../graph-path.js";

/** `rdg reset`: removes the files of the RDG graph at a path, and nothing else. */
export function resetCommand(o: { path: string; yes: boolean }): void {
  const state = inspectForReset(o.path);
  if (state.kind === "absent" || state.kind === "empty") {
    console.log(`no graph at ${o.path}: nothing to reset`);
    return;
  }
  const files = graphFilesIn(o.path);
  if (!o.yes) {
    console.log(`would remove:\n${files.map((f) => `  ${f}`).join("\n")}`);
    throw refusal(`pass --yes to remove the graph at ${o.path} (stop any rdg process using it first)`);
  }
  removeGraphFiles(o.path);
  console.log(`removed:\n${files.map((f) => `  ${f}`).join("\n")}`);
}
