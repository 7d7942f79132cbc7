/** A config module's source: the example with `n` nodes cabled in one ring (198.18.0.0/15 link subnets). */
export function ringConfig(n: number, exampleSource?: string): string;
