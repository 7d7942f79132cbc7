export { defineCluster } from "./config/define.js";
export type * from "./config/types.js";
