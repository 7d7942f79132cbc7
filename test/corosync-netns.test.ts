/**
 * Corosync survives any single cable fault, proven in network namespaces (root only; CI runs as root).
 *
 * For each shape and routing mode, the default config (knet link0 on the ring, link1 on the
 * management network) goes through the real pipeline, and a RingLab applies each node's generated
 * sysctl file and ifupdown2 stanzas, with a management network on one bridge. A UDP echo server
 * listens on every knet address (port 5405, as corosync). Then every single cable fault is tried in
 * turn: each ring cable (either both ends go down, or, with the cable run through a bridge, both
 * ends only lose carrier) and each node's management uplink. During each fault, every pair of nodes
 * must exchange UDP between the exact addresses of at least one of its knet links (those run.sh
 * passes to pvecm), as the plan predicts; after the repair (what `ifup` runs, or carrier back),
 * every knet link and every ring address answers again. Before the faults, the effective value of
 * every sysctl key on every ring NIC is checked (the kernel combines "all" with the NIC's own).
 *
 * Also: the plan's prediction for ring-only knet links (the opt-out) is checked against the kernel:
 * a link the plan calls working during a fault must work.
 */
import type { ClusterPlan } from "../src/plan/plan.js";
import { nicSysctlKey } from "../src/render/network.js";
import { writeConfig } from "./support/configs.js";
import { renderConfig } from "./support/render.js";
import { ringConfigSource, type RingTestOptions } from "./support/ring-configs.js";
import { cleanupStaleRingLabs, probesOf, RingLab, type UdpProbe } from "./support/ring-lab.js";
import { haveCommand, haveRoot } from "./support/validators.js";

const CAN_RUN = haveRoot() && haveCommand("ip") && haveCommand("ping") && haveCommand("python3");
if (!CAN_RUN)
  console.warn(
    "NOT ROOT (or no ip/ping/python3): the corosync namespace proofs are SKIPPED here; CI runs them as root",
  );
const rootTest = CAN_RUN ? test : test.skip;
/** The labs are independent namespaces, and mostly wait for lost datagrams: several run at once. */
const rootConcurrent = CAN_RUN ? test.concurrent : test.concurrent.skip;

const SHAPES: Omit<RingTestOptions, "routing">[] = [
  { nodes: 3, topology: "ring" },
  { nodes: 4, topology: "ring" },
  { nodes: 5, topology: "ring" },
  { nodes: 8, topology: "ring" },
  { nodes: 4, topology: "mesh" },
  { nodes: 5, topology: "mesh" },
];
const ROUTINGS = ["routed", "routed-fallback"] as const;
const CABLES = ["veth", "bridge"] as const;
/** Probe rounds allowed after a repair before what does not answer counts as lost. */
const SETTLE_ROUNDS = 4;

const totals = { labs: 0, faults: 0, exchanges: 0, ms: 0 };

beforeAll(() => {
  if (CAN_RUN) cleanupStaleRingLabs();
});

afterAll(() => {
  if (CAN_RUN)
    console.log(
      `corosync namespace proofs: ${totals.labs} labs, ${totals.faults} single faults, ` +
        `${totals.exchanges} UDP exchanges in ${(totals.ms / 1000).toFixed(1)} s`,
    );
});

interface KnetProbe extends UdpProbe {
  pair: string;
  link: number;
}

/** Both directions of every knet link of every pair. */
function knetProbes(plan: ClusterPlan): KnetProbe[] {
  const probes: KnetProbe[] = [];
  plan.nodes.forEach((a, i) => {
    for (const b of plan.nodes.slice(i + 1)) {
      a.corosyncAddresses.forEach((address, link) => {
        const pair = `${a.name}-${b.name}`;
        probes.push({ pair, link, from: a.name, source: address, to: b.corosyncAddresses[link] });
        probes.push({ pair, link, from: b.name, source: b.corosyncAddresses[link], to: address });
      });
    }
  });
  return probes;
}

/** Per pair, the knet links that worked both ways. */
function workingLinks(probes: KnetProbe[], answers: boolean[]): Map<string, Set<number>> {
  const failed = new Set(probes.filter((_, i) => !answers[i]).map((p) => `${p.pair}|${p.link}`));
  const working = new Map<string, Set<number>>();
  for (const p of probes) {
    if (!working.has(p.pair)) working.set(p.pair, new Set());
    if (!failed.has(`${p.pair}|${p.link}`)) working.get(p.pair)!.add(p.link);
  }
  return working;
}

interface Fault {
  label: string;
  cut: () => Promise<void>;
  repair: () => Promise<void>;
}

function faultsOf(lab: RingLab, plan: ClusterPlan, cables: "veth" | "bridge"): Fault[] {
  const ring = plan.links.map((link) => ({
    label: `ring cable ${link.a.node} ${link.a.nic} - ${link.b.node} ${link.b.nic} (${cables === "bridge" ? "carrier lost" : "both ends down"})`,
    cut: async () => {
      if (cables === "bridge") await lab.portsDown([`c${link.index}a`, `c${link.index}b`]);
      else {
        await lab.linkDown(link.a.node, link.a.nic);
        await lab.linkDown(link.b.node, link.b.nic);
      }
    },
    repair: async () => {
      if (cables === "bridge") await lab.portsUp([`c${link.index}a`, `c${link.index}b`]);
      else {
        await lab.ifup(link.a.node, link.a.nic);
        await lab.ifup(link.b.node, link.b.nic);
      }
    },
  }));
  const uplinks = plan.nodes.map((node) => ({
    label: `${node.name} management uplink`,
    cut: () => lab.portsDown([`m${node.index}`]),
    repair: () => lab.portsUp([`m${node.index}`]),
  }));
  return [...ring, ...uplinks];
}

describe.each(ROUTINGS)("corosync in namespaces, routing %s", (routing) => {
  rootConcurrent.each(SHAPES.flatMap((shape) => CABLES.map((cables) => ({ ...shape, cables }))))(
    "$nodes-node $topology, cables $cables: every pair keeps a knet link through every single fault",
    async ({ cables, ...shape }) => {
      const started = Date.now();
      const { file } = writeConfig(ringConfigSource({ ...shape, routing }));
      const rendered = await renderConfig(file);
      const plan = rendered.check.plan;
      expect(plan.corosyncLinks).toEqual(["ring-a", "management"]);
      expect(plan.corosyncSurvival.isolating).toEqual([]);
      const lab = new RingLab(plan, rendered, { cables, management: true });
      totals.labs += 1;
      try {
        await lab.setUp();
        await lab.startKnetAgents(new Map(plan.nodes.map((n) => [n.name, n.corosyncAddresses])));
        const probes = knetProbes(plan);
        const pairs = new Set(probes.map((p) => p.pair));
        const everyLink = new Map([...pairs].map((p) => [p, new Set(plan.corosyncLinks.map((_, k) => k))]));
        expect(workingLinks(probes, await lab.udpAll(probes))).toEqual(everyLink);
        const pings = probesOf(plan);

        // Every key the sysctl file sets holds on every ring NIC, combined as the kernel combines
        // "all" with the NIC's own value: OR for these flags (so send_redirects needs both 0), the
        // larger one for rp_filter.
        const expected: Record<string, { combine: "or" | "max"; value: number }> = {
          rp_filter: { combine: "max", value: 2 },
          ...(routing === "routed-fallback"
            ? {
                ignore_routes_with_linkdown: { combine: "or", value: 1 },
                accept_local: { combine: "or", value: 1 },
                send_redirects: { combine: "or", value: 0 },
              }
            : {}),
        };
        const effective: string[] = [];
        for (const node of plan.nodes)
          for (const iface of node.ringInterfaces)
            for (const [key, { combine, value }] of Object.entries(expected)) {
              const all = Number(await lab.readSysctl(node.name, `net.ipv4.conf.all.${key}`));
              const own = Number(await lab.readSysctl(node.name, nicSysctlKey(iface.nic, key)));
              const got = combine === "or" ? Number(all !== 0 || own !== 0) : Math.max(all, own);
              if (got !== value)
                effective.push(`${node.name} ${iface.nic} ${key}: all ${all}, NIC ${own}, effective ${got}`);
            }
        expect(effective).toEqual([]);

        for (const fault of faultsOf(lab, plan, cables)) {
          await fault.cut();
          totals.faults += 1;
          const answers = await lab.udpAll(probes);
          totals.exchanges += probes.length;
          const isolated = [...workingLinks(probes, answers)].filter(([, links]) => links.size === 0).map(([p]) => p);
          expect({ fault: fault.label, isolated }).toEqual({ fault: fault.label, isolated: [] });
          await fault.repair();
          // A repaired cable may take a moment (carrier, neighbour entries): a few rounds are allowed.
          let links = new Map<string, Set<number>>();
          let lost: string[] = [];
          for (let round = 0; round < SETTLE_ROUNDS; round += 1) {
            links = workingLinks(probes, await lab.udpAll(probes));
            totals.exchanges += probes.length;
            const answered = await lab.pingAll(pings);
            lost = pings.filter((_, i) => !answered[i]).map((p) => `${p.from} -> ${p.to}`);
            if (lost.length === 0 && [...links.values()].every((l) => l.size === plan.corosyncLinks.length)) break;
          }
          expect({ after: fault.label, links, lost }).toEqual({ after: fault.label, links: everyLink, lost: [] });
        }
      } finally {
        await lab.tearDown();
        totals.ms += Date.now() - started;
      }
    },
    300_000,
  );
});

describe("ring-only knet links (the opt-out)", () => {
  rootTest.each(ROUTINGS)(
    "3-node ring, %s: the plan names the isolating faults, and what it calls working works",
    async (routing) => {
      const { file } = writeConfig(
        ringConfigSource({ nodes: 3, topology: "ring", routing, extra: 'corosync: { links: ["ring-a", "ring-b"] },' }),
      );
      const rendered = await renderConfig(file);
      const plan = rendered.check.plan;
      expect(plan.corosyncSurvival.isolating.length).toBeGreaterThan(0);
      expect(rendered.check.warnings.map((w) => w.code)).toContain("HG314");
      const lab = new RingLab(plan, rendered, { cables: "veth" });
      try {
        await lab.setUp();
        await lab.startKnetAgents(new Map(plan.nodes.map((n) => [n.name, n.corosyncAddresses])));
        const probes = knetProbes(plan);
        for (const link of plan.links) {
          await lab.linkDown(link.a.node, link.a.nic);
          await lab.linkDown(link.b.node, link.b.nic);
          const working = workingLinks(probes, await lab.udpAll(probes));
          const predicted = plan.corosyncSurvival.isolating.find(
            (x) => x.cut.kind === "ring" && x.cut.link === link.index,
          );
          const predictedIsolated = new Set((predicted?.pairs ?? []).map(([a, b]) => `${a}-${b}`));
          // Sound: a pair the plan keeps connected is connected.
          const wronglyKept = [...working].filter(([pair, links]) => links.size === 0 && !predictedIsolated.has(pair));
          expect({ cut: link.index, wronglyKept }).toEqual({ cut: link.index, wronglyKept: [] });
          await lab.ifup(link.a.node, link.a.nic);
          await lab.ifup(link.b.node, link.b.nic);
        }
      } finally {
        await lab.tearDown();
      }
    },
    120_000,
  );
});
