import { nodeNamespace } from "@rdg/model";
import { CliError } from "../cli-error.js";
import { openEmbeddedGraph } from "../open-graph.js";
import { nodePath, type ServerClient } from "../server-client.js";
import type { LoadIds } from "./load-profiles.js";

/** Titles whose viewers are read for profile ids: enough to find a spread of profiles, few enough to be quick. */
const TITLES_FOR_PROFILES = 100;

/** Reads `edges` (a node's latest viewers or titles) until `max` distinct ids are found. */
async function gather(titles: readonly string[], max: number, viewersOf: (title: string) => Promise<readonly string[]>): Promise<string[]> {
  const found = new Set<string>();
  for (const t of titles.slice(0, TITLES_FOR_PROFILES)) {
    for (const p of await viewersOf(t)) found.add(p);
    if (found.size >= max) break;
  }
  return [...found].slice(0, max);
}

/**
 * Real ids through the server's own paths: the member-journey titles `t0` to `t<max-1>` that
 * exist (one `POST /v1/nodes/batch`), and profiles that watched them (their latest viewers).
 */
export async function sampleIdsFromServer(client: ServerClient, max: number): Promise<LoadIds> {
  const asked = Array.from({ length: max }, (_, i) => `t${i}`);
  const { nodes } = await client.post<{ nodes: ({ id: string } | null)[] }>("/v1/nodes/batch", { nodes: asked.map((id) => ({ type: "title", id })) });
  const titles = nodes.flatMap((n) => (n === null ? [] : [n.id]));
  if (titles.length === 0) throw new CliError(`the server at ${client.url} has none of the titles t0 to t${max - 1}; pass --ids-from-path DIR to take ids from a copy of the graph`);
  const profiles = await gather(titles, max, async (t) => (await client.get<{ edges: { other: string }[] }>(`${nodePath("title", t)}/edges/watchedBy?limit=50`)).edges.map((e) => e.other));
  return { titles, profiles };
}

/** Real ids from a local copy of the graph (LMDB at `path`): the first titles stored, and profiles that watched them. */
export async function sampleIdsFromPath(path: string, max: number): Promise<LoadIds> {
  const { kv, graph } = openEmbeddedGraph(path, { access: "read" });
  try {
    const titles: string[] = [];
    for await (const record of kv.scan(nodeNamespace("title"))) {
      titles.push(record.id);
      if (titles.length >= max) break;
    }
    if (titles.length === 0) throw new CliError(`the graph at ${path} has no titles to load with`);
    const profiles = await gather(titles, max, async (t) => (await graph.neighbors(t, { edge: "watchedBy", limit: 50 })).edges.map((e) => e.other));
    return { titles, profiles };
  } finally {
    await kv.close();
  }
}
