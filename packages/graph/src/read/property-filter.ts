import type { Properties } from "@rdg/model";
import type { PropertyCondition } from "../graph-types.js";

/** True when every condition holds for the properties. */
export function matchesWhere(props: Properties, where: Readonly<Record<string, PropertyCondition>> | undefined): boolean {
  if (where === undefined) return true;
  for (const [name, cond] of Object.entries(where)) {
    const v = props[name];
    if (typeof cond !== "object") {
      if (v !== cond) return false;
      continue;
    }
    if (cond.in !== undefined && !cond.in.includes(v as never)) return false;
    if (cond.gt !== undefined && !(typeof v === "number" && v > cond.gt)) return false;
    if (cond.gte !== undefined && !(typeof v === "number" && v >= cond.gte)) return false;
    if (cond.lt !== undefined && !(typeof v === "number" && v < cond.lt)) return false;
    if (cond.lte !== undefined && !(typeof v === "number" && v <= cond.lte)) return false;
  }
  return true;
}
