/**
 * Every user-facing finding homegarden reports, in one place. Each entry has a stable code and a
 * message that says what is wrong and how to fix it.
 */
import { maskUrlCredentials, type Severity } from "./diagnostic.js";

interface Entry<A extends unknown[]> {
  code: string;
  severity: Severity;
  message: (...args: A) => string;
}

const LONGEST_QUOTED_VALUE = 80;

/**
 * A config value as it may appear inside a one-line message: control characters escaped (so a
 * value cannot start a new line in the output or a log) and very long values cut short.
 */
export function printable(value: string): string {
  value = maskUrlCredentials(value);
  const escaped = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/.test(value) ? JSON.stringify(value).slice(1, -1) : value;
  return escaped.length > LONGEST_QUOTED_VALUE ? `${escaped.slice(0, LONGEST_QUOTED_VALUE)}...` : escaped;
}

function entry<A extends unknown[]>(code: string, severity: Severity, message: (...args: A) => string): Entry<A> {
  const safeMessage = (...args: A): string =>
    message(...(args.map((a) => (typeof a === "string" ? printable(a) : a)) as A));
  return { code, severity, message: safeMessage };
}

export const catalogue = {
  // Loading (HG0xx)
  // TypeScript's own message chain, one line per level: joined into one line (TS escapes literals itself).
  typeError: {
    code: "HG001",
    severity: "error",
    message: (text: string) =>
      text
        .split("\n")
        .map((part) => part.trim())
        .join(" "),
  } as Entry<[string]>,
  noDefaultExport: entry(
    "HG002",
    "error",
    () => "the config module has no default export: end it with `export default defineCluster({ ... })`",
  ),
  forbiddenImport: entry(
    "HG003",
    "error",
    (spec: string) =>
      `the config module imports "${spec}": only "homegarden" may be imported, so that a render depends on nothing but this file`,
  ),
  evaluationFailed: entry("HG004", "error", (why: string) => `evaluating the config module failed: ${why}`),
  configNotFound: entry("HG005", "error", (file: string) => `config module ${file} does not exist`),
  shapeInvalid: entry("HG006", "error", (expected: string) => `expected ${expected}`),
  notPlainData: entry(
    "HG007",
    "error",
    (where: string, what: string) =>
      `${where} is ${what}: a config may hold only strings, finite numbers, booleans, null, arrays and plain objects`,
  ),
  evaluationLimit: entry("HG008", "error", (limit: "timeout" | "memory" | "stack", bound: string) => {
    switch (limit) {
      case "timeout":
        return `the config module did not finish within ${bound} (a loop, a getter or a promise chain that never ends?)`;
      case "memory":
        return `the config module used more than ${bound} of memory while it was evaluated`;
      case "stack":
        return `the config module recursed deeper than the sandbox's ${bound} stack allows`;
    }
  }),
  unknownKey: entry(
    "HG009",
    "error",
    (key: string, suggestion: string | undefined, known: string) =>
      `unknown key "${key}"${suggestion ? `: did you mean "${suggestion}"?` : ""} (known here: ${known})`,
  ),
  clusterTooLarge: entry(
    "HG010",
    "error",
    (count: number, what: string, max: number) =>
      `${count} ${what} declared: homegarden plans clusters of at most ${max} ${what}`,
  ),
  // `why` is homegarden's own sentence (it names paths it found, escaped): printed whole.
  outputRefused: {
    code: "HG012",
    severity: "error",
    message: (folder: string, why: string) => `output folder ${printable(folder)} ${why}; nothing was written`,
  } as Entry<[string, string]>,
  configUnreadable: entry(
    "HG011",
    "error",
    (file: string, why: string) => `config module ${file}: ${why}; name a regular TypeScript file`,
  ),

  // Names (HG1xx)
  nodeNameInvalid: entry(
    "HG101",
    "error",
    (name: string) =>
      `node name "${name}" is not a valid hostname label: use 1-63 lowercase letters, digits and inner hyphens`,
  ),
  nodeNameDuplicate: entry("HG102", "error", (name: string) => `node name "${name}" is used by two nodes`),
  tooFewNodes: entry(
    "HG103",
    "error",
    (count: number) => `${count} node(s) declared: a highly available cluster needs at least 3 for quorum`,
  ),
  evenNodeCount: entry(
    "HG104",
    "warning",
    (count: number) =>
      `${count} nodes: an even node count gains no quorum safety over ${count - 1}; consider a QDevice`,
  ),
  interfaceNameInvalid: entry(
    "HG105",
    "error",
    (name: string) =>
      `interface name "${name}" is invalid: 1-15 characters from letters, digits, "-", "_", ".", not "." or ".."`,
  ),
  linstorNameInvalid: entry(
    "HG106",
    "error",
    (what: string, name: string) =>
      `${what} "${name}" is not a valid LINSTOR name: start with a letter, then 1-47 letters, digits, "_" or "-" ("all" is reserved)`,
  ),
  zfsPoolNameInvalid: entry(
    "HG107",
    "error",
    (name: string) =>
      `ZFS pool name "${name}" is invalid: start with a letter, then at most 199 letters, digits, "_", "-", ".", ":" (LINSTOR's volumes get names below it, within ZFS's 255)`,
  ),
  zfsPoolNameReserved: entry(
    "HG116",
    "error",
    (name: string) =>
      `ZFS pool name "${name}" is reserved by zpool create: "log" and names starting with "mirror", "raidz", "draid" or "spare" are vdev words`,
  ),
  nodeNameNumeric: entry(
    "HG117",
    "error",
    (name: string) =>
      `node name "${name}" reads as an IPv4 address (glibc takes "1234567" or "0x1f" for one): put a letter in it`,
  ),
  interfaceNameReserved: entry(
    "HG118",
    "error",
    (name: string) =>
      `interface name "${name}" is reserved: net.ipv4.conf.${name} is the kernel's own key for every interface, not one NIC's`,
  ),
  fingerprintInvalid: entry(
    "HG119",
    "error",
    (value: string) =>
      `proxmox.fingerprint "${value}" is not a SHA-256 certificate fingerprint: 32 hexadecimal byte pairs joined by ":" (pvenode cert info on the first node shows it)`,
  ),
  devicePathInvalid: entry(
    "HG108",
    "error",
    (path: string) => `device "${path}" is not an absolute /dev path of letters, digits, "/", "-", "_", ".", ":"`,
  ),
  mirrorTooSmall: entry("HG113", "error", (n: number) => `a ZFS mirror needs at least 2 devices, ${n} given`),
  macInvalid: entry(
    "HG114",
    "error",
    (mac: string) =>
      `"${mac}" is not a MAC address: six pairs of hex digits separated by ":", e.g. "52:54:00:12:34:56"`,
  ),
  ringMacUnknownNic: entry(
    "HG115",
    "error",
    (nic: string, node: string, nics: string) =>
      `ringMacs names ${nic}, which is not a ring NIC of ${node} (its ring NICs: ${nics}): use one of those names`,
  ),
  devicePathDuplicate: entry("HG109", "error", (path: string) => `device "${path}" is listed twice on this node`),
  clusterNameInvalid: entry(
    "HG110",
    "error",
    (name: string) => `cluster name "${name}" is invalid: 1-15 letters, digits and "-", starting with a letter`,
  ),
  pveStorageIdInvalid: entry(
    "HG111",
    "error",
    (id: string) =>
      `Proxmox storage id "${id}" is invalid: start with a letter, then letters, digits, "-", "_", ".", and end with a letter or digit`,
  ),
  nicUsedTwice: entry(
    "HG112",
    "error",
    (node: string, nic: string, other: string) =>
      `NIC ${nic} on ${node} is already used by ${other}: every ring link needs its own NIC on each end`,
  ),

  // Addresses (HG2xx)
  addressInvalid: entry(
    "HG201",
    "error",
    (value: string) => `"${value}" is not an IPv4 address with prefix length, e.g. "10.100.4.101/24"`,
  ),
  networkInvalid: entry(
    "HG202",
    "error",
    (value: string) => `"${value}" is not an IPv4 network with its host bits zero, e.g. "10.10.0.0/29"`,
  ),
  addressIsNetworkOrBroadcast: entry(
    "HG203",
    "error",
    (value: string) => `${value} is the network or broadcast address of its subnet: pick a host address`,
  ),
  addressDuplicate: entry("HG204", "error", (ip: string, other: string) => `address ${ip} is also used at ${other}`),
  networksOverlap: entry(
    "HG205",
    "error",
    (a: string, aWhere: string, b: string, bWhere: string) =>
      `network ${a} (${aWhere}) overlaps ${b} (${bWhere}): every network must be disjoint from every other`,
  ),
  networkInAvoidList: entry(
    "HG206",
    "error",
    (net: string, avoid: string) => `network ${net} overlaps ${avoid} from ring.avoid`,
  ),
  vipOutsideSubnet: entry(
    "HG207",
    "error",
    (vip: string, node: string, net: string) =>
      `VIP ${vip} is outside ${node}'s network ${net} on the interface that carries it`,
  ),
  vipPrefixMismatch: entry(
    "HG208",
    "error",
    (vip: string, node: string, addr: string) => `VIP ${vip} has another prefix length than ${node}'s ${addr}`,
  ),
  subnetTooSmall: entry(
    "HG209",
    "error",
    (net: string) => `link subnet ${net} has fewer than 2 host addresses: use a prefix of /31 or shorter`,
  ),
  nodeNetworkMismatch: entry(
    "HG210",
    "error",
    (what: string, node: string, net: string, first: string) =>
      `${node}'s ${what} address is in ${net}, but the first node's is in ${first}: all nodes share one ${what} network`,
  ),
  poolMissing: entry(
    "HG211",
    "error",
    (link: string) => `${link} has no subnet and ring.pool is not set: give the link a subnet or set ring.pool`,
  ),
  poolExhausted: entry(
    "HG212",
    "error",
    (pool: string, prefix: number, link: string) =>
      `ring.pool ${pool} has no free /${prefix} left for ${link} (blocks overlapping any declared network or ring.avoid are skipped): use a larger pool`,
  ),
  prefixInvalid: entry("HG213", "error", (p: number) => `ring.prefix ${p} must be a whole number from 16 to 31`),
  linkAddressesNeedSubnet: entry(
    "HG214",
    "error",
    () =>
      `a ring link with addresses needs its subnet too: add subnet, or leave addresses out to use its first two hosts`,
  ),
  linkAddressOutsideSubnet: entry(
    "HG215",
    "error",
    (address: string, subnet: string, link: string) => `address ${address} is outside ${subnet}, the subnet of ${link}`,
  ),
  linkAddressReserved: entry(
    "HG216",
    "error",
    (address: string, subnet: string) =>
      `address ${address} is the network or broadcast address of ${subnet}: pick a host address`,
  ),

  // Topology (HG3xx)
  unknownNode: entry("HG301", "error", (name: string) => `"${name}" is not the name of a declared node`),
  selfLink: entry("HG302", "error", (name: string) => `ring link connects ${name} to itself`),
  ringDegree: entry(
    "HG303",
    "error",
    (node: string, count: number) => `${node} has ${count} ring link(s): every node needs at least 2 (a ring)`,
  ),
  disconnected: entry(
    "HG304",
    "error",
    (nodes: string) => `the ring links do not connect every node: ${nodes} cannot be reached from the first node`,
  ),
  corosyncLinkMissing: entry(
    "HG305",
    "error",
    (source: string, node: string) => `corosync link "${source}" does not exist on ${node} (fewer ring links)`,
  ),
  corosyncLinkCount: entry("HG306", "error", (n: number) => `corosync.links has ${n} entries: knet takes 1 to 8`),
  ringNodeDegree: entry(
    "HG307",
    "error",
    (node: string, count: number) =>
      `${node} has ${count} ring link(s): in topology "ring" every node has exactly 2 (use topology "graph" for other shapes)`,
  ),
  ringNicsCount: entry(
    "HG308",
    "error",
    (node: string, count: number, topology: string, wanted: number) =>
      `${node} lists ${count} ringNics: a derived "${topology}" needs exactly ${wanted} per node`,
  ),
  ringNicsUnused: entry(
    "HG309",
    "error",
    (node: string) => `${node}'s ringNics are ignored because ring.links is given: remove one of the two`,
  ),
  graphNeedsLinks: entry(
    "HG310",
    "error",
    () => `topology "graph" needs ring.links: list the cables, or use "ring" or "mesh" with every node's ringNics`,
  ),
  meshPairMissing: entry(
    "HG311",
    "error",
    (a: string, b: string) => `topology "mesh" needs a link between every two nodes: ${a} and ${b} have none`,
  ),
  linkIsBridge: entry(
    "HG312",
    "error",
    (link: string, cutOff: string) =>
      `routed-fallback cannot protect ${link}: without it ${cutOff} cannot be reached at all; add a second path`,
  ),
  fallbackUnprotected: entry(
    "HG313",
    "warning",
    (link: string, count: number, example: string) =>
      `when ${link} is cut, ${count} path(s) fail despite routed-fallback, e.g. ${example}`,
  ),
  corosyncCutIsolates: entry(
    "HG314",
    "warning",
    (cut: string, pair: string, more: number) =>
      `when ${cut} fails, ${pair} keep no working corosync (knet) link${more > 0 ? ` (and ${more} more pair(s))` : ""}: ` +
      `the cluster can lose quorum over one cable; put a knet link on another network, e.g. corosync.links ["ring-a", "management"]`,
  ),

  // LINSTOR and services (HG4xx)
  placeCountTooHigh: entry(
    "HG401",
    "error",
    (rg: string, count: number, nodes: number) =>
      `resource group ${rg} places ${count} replicas but only ${nodes} nodes have storage`,
  ),
  placeCountTooLow: entry(
    "HG402",
    "error",
    (rg: string, count: number) => `resource group ${rg} has place-count ${count}: use at least 1`,
  ),
  haPlaceCountTooLow: entry(
    "HG403",
    "error",
    (count: number) => `the controller database group places ${count} replicas: DRBD quorum needs at least 3`,
  ),
  resourceGroupDuplicate: entry("HG404", "error", (name: string) => `resource group ${name} is declared twice`),
  resourceGroupUnknown: entry(
    "HG405",
    "error",
    (name: string, known: string) =>
      `resource group "${name}" is not declared in linstor.resourceGroups (declared: ${known})`,
  ),
  sizeInvalid: entry(
    "HG406",
    "error",
    (value: string) => `size "${value}" is invalid: use a number with K, M, G or T, e.g. "200M"`,
  ),
  drbdOptionInvalid: entry(
    "HG407",
    "error",
    (key: string, value: string) =>
      `DRBD option --${key}=${value} is invalid: keys are lowercase words joined by "-", values letters, digits, "-", "_", "."`,
  ),
  drbdOptionUnknown: entry(
    "HG428",
    "error",
    (key: string, suggestion: string, source: string) =>
      `DRBD option "${key}" is not one LINSTOR accepts on a resource group${suggestion ? `: did you mean "${suggestion}"?` : ""} (options of ${source})`,
  ),
  drbdOptionValueInvalid: entry(
    "HG429",
    "error",
    (key: string, value: string, expected: string) =>
      `DRBD option --${key}=${value} is refused by LINSTOR: the value must be ${expected}`,
  ),
  disklessClientsNoVote: entry(
    "HG430",
    "warning",
    (group: string, placeCount: number, version: string) =>
      `resource group ${group}: LINSTOR ${version} makes the diskless resources of --diskless-on-remaining DRBD clients without a quorum vote, so its ${placeCount} diskful replicas would have no tiebreaker; homegarden creates it without that flag, so LINSTOR places a voting tiebreaker (VMs on other nodes still get a diskless client when they start). Set disklessOnRemaining: false to say so, or use an odd placeCount`,
  ),
  nodePropertyInvalid: entry(
    "HG408",
    "error",
    (key: string) =>
      `LINSTOR property "${key}" is invalid: use letters, digits, "/", "_", "-" and values without spaces or quotes`,
  ),
  versionInvalid: entry(
    "HG409",
    "error",
    (value: string) => `version "${value}" is not a dotted version like "1.31.0"`,
  ),
  drbdReactorTooOld: entry(
    "HG426",
    "error",
    (version: string, minimum: string) =>
      `drbd-reactor ${version} is too old: its promoter reads on-drbd-demote-failure from ${minimum} on (and ignores on-stop-failure since then); target ${minimum} or later`,
  ),
  routerIdInvalid: entry(
    "HG410",
    "error",
    (id: number) => `virtualRouterId ${id} must be a whole number from 1 to 255`,
  ),
  priorityInvalid: entry("HG411", "error", (p: number) => `vrrpPriority ${p} must be a whole number from 1 to 254`),
  secretMissing: entry("HG412", "error", (where: string) => `secret not available: ${where}`),
  secretAbsentHere: entry(
    "HG427",
    "warning",
    (where: string) => `secret not available here: ${where}; render needs it, this command goes on without it`,
  ),
  passwordInvalid: entry(
    "HG413",
    "error",
    (why: string) =>
      `the VRRP password ${why}: keepalived uses 1 to 8 printable ASCII characters without spaces or quotes`,
  ),
  listenInvalid: entry(
    "HG414",
    "error",
    (value: string) => `listen address "${value}" is not HOST:PORT with a port from 1 to 65535`,
  ),
  urlInvalid: entry(
    "HG415",
    "error",
    (value: string) =>
      `apt URL "${value}" is not a plain http(s) or file URL: write it as the browser would (e.g. "https://packages.linbit.com/public"), without spaces, quotes, credentials, query or fragment`,
  ),
  keyringMissing: entry("HG416", "error", (path: string, why: string) => `keyring file ${path} cannot be read: ${why}`),
  keyringNotBinary: entry(
    "HG422",
    "error",
    (path: string) =>
      `keyring file ${path} is not a binary OpenPGP keyring: apt's Signed-By needs one; convert an armored key with \`gpg --dearmor\``,
  ),
  aptSourceMissing: entry(
    "HG423",
    "error",
    () => "apt has neither a LINBIT repository (apt.linbit) nor vendored packages (apt.debs): set at least one",
  ),
  debsFolderInvalid: entry(
    "HG424",
    "error",
    (path: string, why: string) => `package folder ${path} cannot be used: ${why}`,
  ),
  debFileInvalid: entry("HG425", "error", (name: string, why: string) => `vendored package ${name} ${why}`),
  secretEnvNameInvalid: entry(
    "HG417",
    "error",
    (name: string) => `environment variable name "${name}" is invalid: use letters, digits and "_"`,
  ),
  benchValueInvalid: entry("HG418", "error", (what: string, value: string) => `bench ${what} "${value}" is invalid`),
  mtuInvalid: entry("HG419", "error", (mtu: number) => `MTU ${mtu} must be a whole number from 576 to 9216`),
  intervalInvalid: entry("HG420", "error", (n: number) => `advertInterval ${n} must be a whole number from 1 to 255`),
  vipAddressTaken: entry("HG421", "error", (vip: string, node: string) => `VIP ${vip} is also ${node}'s own address`),

  // Benchmarks (HG5xx): bench config warnings, then `homegarden bench report` input errors.
  lineRateMissing: entry(
    "HG501",
    "warning",
    (network: string) =>
      `iperf3 measures the ${network} network but lineRateGbps.${network} is not set: the report cannot compare it with the line rate`,
  ),
  fioDepthCapped: entry(
    "HG502",
    "warning",
    (job: string, engine: string, depth: number) =>
      `fio job "${job}" uses the synchronous ${engine} engine, which caps iodepth ${depth} at 1: use "libaio" or "io_uring"`,
  ),
  resultNotJson: entry(
    "HG510",
    "error",
    (file: string, why: string) => `${file} is not valid JSON (${why}): was the run cut short? Run it again`,
  ),
  resultShapeInvalid: entry(
    "HG511",
    "error",
    (file: string, tool: string, what: string) => `${file} is not ${tool} JSON output: ${what}`,
  ),
  resultToolError: entry(
    "HG512",
    "error",
    (file: string, tool: string, why: string) =>
      `${file}: ${tool} reported an error: ${why}; run it again or remove the file`,
  ),
  benchSettingsMissing: entry(
    "HG513",
    "error",
    (file: string) =>
      `${file} does not exist: copy bench/bench.json of each measuring node's bundle into the results folder as bench-<node>.json (run-fio.sh and iperf3-client.sh do) or pass --settings`,
  ),
  resultsMissing: entry("HG514", "error", (dir: string) => `${dir} holds no fio-*.json or iperf3-*.json results`),
} as const;
