/** One request of a load test. */
export interface LoadRequest {
  readonly kind: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: string;
}

/** Real ids to load with: titles, and profiles that watched them. */
export interface LoadIds {
  readonly titles: readonly string[];
  readonly profiles: readonly string[];
}

export const PROFILES = ["node", "1hop", "2hop", "3hop", "mixed"] as const;
export type LoadProfile = (typeof PROFILES)[number];

/** Requests of a profile need these ids; a graph without them cannot be loaded with it. */
export const NEEDS_PROFILES: Readonly<Record<LoadProfile, boolean>> = { node: false, "1hop": false, "2hop": true, "3hop": true, mixed: true };

/**
 * Facebook TAO's production read mix (as coded in amplab/zipg), mapped onto the server's paths.
 * TAO's single-edge get (does this edge exist?) has no path of its own here: its nearest is a
 * node's newest edge of the type (`limit=1`), which costs the same one adjacency read.
 */
export const TAO_MIX: readonly { readonly kind: string; readonly share: number; readonly about: string }[] = [
  { kind: "neighbors", share: 0.409, about: "neighbour range read: a title's 50 latest viewers or a profile's 50 latest titles" },
  { kind: "node", share: 0.289, about: "node get: a title or a profile" },
  { kind: "edge", share: 0.157, about: "single-edge get: a profile's newest watched edge (limit=1)" },
  { kind: "count", share: 0.117, about: "edge count: a title's viewers or a profile's titles" },
  { kind: "window", share: 0.028, about: "time-range neighbour read: 50 edges of the last hour" },
];

const enc = encodeURIComponent;
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
const node = (type: string, id: string): string => `/v1/nodes/${type}/${enc(id)}`;
const titleViewers = (id: string, q = "limit=50"): string => `${node("title", id)}/edges/watchedBy?${q}`;
const profileTitles = (id: string, q = "limit=50"): string => `${node("profile", id)}/edges/watched?${q}`;

/** A traversal from a profile: its 50 latest titles, their 20 latest viewers, and (3 hops) their 10 latest titles. */
export function traversalBody(profile: string, hops: 2 | 3, limit?: number): string {
  const steps = [{ edgeType: "watched", limit: 50 }, { edgeType: "watchedBy", limit: 20 }, { edgeType: "watched", limit: 10 }].slice(0, hops);
  return JSON.stringify(limit === undefined ? { start: { type: "profile", id: profile }, steps } : { start: { type: "profile", id: profile }, steps, limit });
}

/** A function that makes the next request of the profile, each on ids drawn at random. */
export function requestMaker(profile: LoadProfile, ids: LoadIds, now: number = Date.now()): () => LoadRequest {
  const title = (): string => pick(ids.titles);
  const person = (): string => pick(ids.profiles);
  const nodeGet = (): LoadRequest => (ids.profiles.length > 0 && Math.random() < 0.5 ? { kind: "node", method: "GET", path: node("profile", person()) } : { kind: "node", method: "GET", path: node("title", title()) });
  switch (profile) {
    case "node":
      return nodeGet;
    case "1hop":
      return () => ({ kind: "1hop", method: "GET", path: titleViewers(title()) });
    case "2hop":
    case "3hop": {
      const hops = profile === "2hop" ? 2 : 3;
      return () => ({ kind: profile, method: "POST", path: "/v1/traverse", body: traversalBody(person(), hops) });
    }
    case "mixed": {
      const window = `limit=50&since=${now - 3_600_000}&until=${now + 3_600_000}`;
      const make: Record<string, () => LoadRequest> = {
        neighbors: () => ({ kind: "neighbors", method: "GET", path: Math.random() < 0.5 ? titleViewers(title()) : profileTitles(person()) }),
        node: nodeGet,
        edge: () => ({ kind: "edge", method: "GET", path: profileTitles(person(), "limit=1") }),
        count: () => ({ kind: "count", method: "GET", path: Math.random() < 0.5 ? `${node("title", title())}/edges/watchedBy/count` : `${node("profile", person())}/edges/watched/count` }),
        window: () => ({ kind: "window", method: "GET", path: Math.random() < 0.5 ? titleViewers(title(), window) : profileTitles(person(), window) }),
      };
      return () => {
        let r = Math.random();
        for (const m of TAO_MIX) {
          if (r < m.share) return make[m.kind]!();
          r -= m.share;
        }
        return make.neighbors!();
      };
    }
  }
}
