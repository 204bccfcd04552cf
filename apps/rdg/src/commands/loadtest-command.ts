import { resolve } from "node:path";
import { CliError, refusal } from "../cli-error.js";
import { sampleIdsFromPath, sampleIdsFromServer } from "../loadtest/id-sampler.js";
import { NEEDS_PROFILES, PROFILES, requestMaker, TAO_MIX, type LoadIds, type LoadProfile } from "../loadtest/load-profiles.js";
import { runLoad } from "../loadtest/load-runner.js";
import { describeLoadMachine, latencyTable, loadFigures, sloTargets, writeLoadtestResult } from "../loadtest/loadtest-report.js";
import { clauseMet, clauseUnit, measuredValue, parseSlo, type SloClause } from "../loadtest/slo.js";
import { ProgressLine } from "../progress.js";
import { parseServerUrl, ServerClient } from "../server-client.js";

/** What `rdg loadtest` takes from the command line. */
export interface LoadtestOptions {
  readonly url: string;
  readonly profile: string;
  readonly duration: number;
  readonly connections: number;
  readonly rate?: number;
  readonly slo?: string;
  readonly token?: string;
  readonly idsFromPath?: string;
  readonly ids: number;
  readonly out: string;
}

const ABOUT: Readonly<Record<LoadProfile, string>> = {
  node: "GET /v1/nodes/{type}/{id}: a title or a profile",
  "1hop": "GET /v1/nodes/title/{id}/edges/watchedBy?limit=50: a title's 50 latest viewers",
  "2hop": "POST /v1/traverse from a profile: watched 50, watchedBy 20",
  "3hop": "POST /v1/traverse from a profile: watched 50, watchedBy 20, watched 10 (up to 11,050 edges; the server's --max-traversal-edges must allow them or answers are partial)",
  mixed: `Facebook TAO's read mix on our paths: ${TAO_MIX.map((m) => `${(m.share * 100).toFixed(1)}% ${m.about}`).join("; ")}`,
};

async function sampleIds(o: LoadtestOptions, client: ServerClient): Promise<{ ids: LoadIds; source: string }> {
  if (o.idsFromPath !== undefined) return { ids: await sampleIdsFromPath(o.idsFromPath, o.ids), source: `the graph at ${o.idsFromPath}` };
  return { ids: await sampleIdsFromServer(client, o.ids), source: `${client.url} (titles t0..t${o.ids - 1} that exist, and their latest viewers)` };
}

/** Checks what commander cannot: the profile and the SLO grammar (exit 2 naming what is wrong). */
function checkOptions(o: LoadtestOptions): { profile: LoadProfile; slo: SloClause[]; url: string } {
  if (!(PROFILES as readonly string[]).includes(o.profile)) throw refusal(`--profile must be one of ${PROFILES.join(", ")}, got "${o.profile}"`);
  return { profile: o.profile as LoadProfile, slo: o.slo === undefined ? [] : parseSlo(o.slo), url: parseServerUrl(o.url) };
}

/**
 * `rdg loadtest`: loads a running server with one profile of requests on real ids (autocannon),
 * shows progress, prints a latency table, writes the result under --out, and exits 1 when the
 * SLO is missed, so a rollout pipeline can gate on it.
 */
export async function loadtestCommand(o: LoadtestOptions): Promise<void> {
  const { profile, slo, url } = checkOptions(o);
  const client = new ServerClient(url, { token: o.token ?? process.env.RDG_TOKEN });
  await client.get("/readyz");
  const { ids, source } = await sampleIds(o, client);
  if (NEEDS_PROFILES[profile] && ids.profiles.length === 0) throw new CliError(`no profile watched the sampled titles, and --profile ${profile} starts at profiles; load a graph with viewing events first`);
  console.log(`rdg loadtest: ${profile} on ${url} for ${o.duration} s, ${o.connections} connection${o.connections === 1 ? "" : "s"}${o.rate === undefined ? "" : `, ${o.rate} req/s`}`);
  console.log(`  ${ABOUT[profile]}`);
  console.log(`  ids: ${ids.titles.length} titles, ${ids.profiles.length} profiles, from ${source}`);
  const startedAt = new Date().toISOString();
  const machine = describeLoadMachine();
  const progress = new ProgressLine();
  const outcome = await runLoad({
    url,
    durationSec: o.duration,
    connections: o.connections,
    ...(o.rate === undefined ? {} : { rate: o.rate }),
    headers: client.headers,
    next: requestMaker(profile, ids),
    onTick: (p) => progress.update(`${profile}: ${p.answered.toLocaleString("en-US")} answered, ${p.lastSecond.toLocaleString("en-US")} in the last second, ${p.failed} failed, ${Math.max(0, o.duration - p.elapsedSec).toFixed(0)} s left`),
  });
  progress.done(`${profile}: ${outcome.answered.toLocaleString("en-US")} answered in ${outcome.elapsedSec.toFixed(1)} s`);
  const table = latencyTable(outcome, slo);
  console.log(`\n${table}\n`);
  const missed = slo.filter((c) => !clauseMet(c, outcome));
  const notes = [
    `Profile ${profile}: ${ABOUT[profile]}.`,
    "Latencies are every answered request's time from send to last byte (exact percentiles, not autocannon's whole-millisecond histogram); with --rate they are not corrected for coordinated omission.",
    "The error rate counts connection errors, timeouts and non-2xx answers over every request sent.",
    ...(missed.length > 0 ? [`SLO missed: ${missed.map((c) => `${c.text} (measured ${measuredValue(c, outcome).toFixed(3)} ${clauseUnit(c)})`).join(", ")}.`] : []),
  ];
  const result = {
    scenario: `loadtest-${profile}`,
    startedAt,
    durationSec: outcome.elapsedSec,
    machine,
    settings: { url, profile, durationSec: o.duration, connections: o.connections, rate: o.rate ?? null, slo: o.slo ?? null, ids: { source, titles: ids.titles.length, profiles: ids.profiles.length }, requestsByKind: outcome.kinds, statuses: outcome.statusCounts },
    figures: loadFigures(outcome),
    ratios: {},
    targets: sloTargets(slo, outcome),
    notes,
  };
  console.log(`written: ${writeLoadtestResult(resolve(o.out), result, table)}`);
  if (outcome.answered === 0 || outcome.non2xx === outcome.answered) {
    const statuses = Object.keys(outcome.statusCounts).join(", ");
    throw new CliError(`no request was answered with 2xx${statuses === "" ? ` (${outcome.errors} errors)` : ` (statuses ${statuses})`}${"401" in outcome.statusCounts ? "; pass --token (or RDG_TOKEN) with the read scope" : ""}`);
  }
  if (missed.length > 0) throw new CliError(`SLO missed: ${missed.map((c) => `${c.text}: measured ${measuredValue(c, outcome).toFixed(3)} ${clauseUnit(c)}`).join("; ")}`);
  if (slo.length > 0) console.log(`rdg loadtest: SLO met (${slo.map((c) => c.text).join(", ")})`);
}
