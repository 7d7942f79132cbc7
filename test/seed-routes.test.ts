/**
 * The example's ring must reproduce the seed's hand-made network exactly: addresses from its
 * `ip -br a` output and the three `post-up ip route add` lines from its /etc/network/interfaces.
 */
import { renderConfig } from "./support/render.js";

// From the seed write-up (shared/seed), per node: interface addresses and the one static route.
const SEED = {
  pivoine: {
    addresses: { enp7s0: "10.10.0.1/29", enp8s0: "10.10.3.1/29" },
    route: "10.10.2.0/29 via 10.10.0.2 dev enp7s0",
  },
  petunia: {
    addresses: { enp8s0: "10.10.0.2/29", enp9s0: "10.10.2.1/29" },
    route: "10.10.3.0/29 via 10.10.2.2 dev enp9s0",
  },
  dahlia: {
    addresses: { enp8s0: "10.10.3.2/29", enp9s0: "10.10.2.2/29" },
    route: "10.10.0.0/29 via 10.10.3.1 dev enp8s0",
  },
};

describe("seed ring network", () => {
  test.each(Object.entries(SEED))("%s has the seed's ring addresses and route", async (node, seed) => {
    const rendered = await renderConfig();
    const interfaces = rendered.text(`${node}/files/etc/network/interfaces.d/homegarden-ring`);
    const stanzas = new Map<string, string>();
    for (const match of interfaces.matchAll(/^iface (\S+) inet static\n((?:    .*\n?)*)/gm))
      stanzas.set(match[1], match[2]);
    expect(Object.fromEntries([...stanzas].map(([nic, body]) => [nic, /address (\S+)/.exec(body)?.[1]]))).toEqual(
      seed.addresses,
    );
    const routes = [...interfaces.matchAll(/^ {4}up ip route replace (.*)$/gm)].map((m) => m[1]);
    expect(routes).toEqual([seed.route]);
    const downs = [...interfaces.matchAll(/^ {4}down ip route del (.*) \|\| true$/gm)].map((m) => m[1]);
    expect(downs).toEqual([seed.route]);
  });

  test("the 10.10.1.0/29 range that failed in the seed is never used", async () => {
    const rendered = await renderConfig();
    for (const file of rendered.files) {
      if (!file.path.endsWith(".tar.gz")) expect(file.content.toString()).not.toMatch(/10\.10\.1\.\d/);
    }
  });

  test("forwarding is enabled on every node", async () => {
    const rendered = await renderConfig();
    for (const node of Object.keys(SEED)) {
      expect(rendered.text(`${node}/files/etc/sysctl.d/90-homegarden-ring.conf`)).toMatch(
        /^net\.ipv4\.ip_forward = 1$/m,
      );
    }
  });
});
