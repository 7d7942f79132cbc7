import type { PlannedRoute } from "./ring.js";

/** "primary (metric 10)", "fallback (metric 20)" or "u-turn (table 7100)". */
export function routeRole(route: PlannedRoute): string {
  if (route.role === "u-turn") return `u-turn (table ${route.table})`;
  return `${route.role ?? "primary"} (metric ${route.metric ?? 0})`;
}
